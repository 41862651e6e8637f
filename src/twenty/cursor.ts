/**
 * Twenty's cursor for any record of a page (§3), so GraphQL edges get a cursor each while REST
 * only returns the page's start and end cursors.
 *
 * A cursor is standard base64 of JSON: the record's value for each `order_by` key, then `id`
 * (Twenty always appends `id` ascending as the tie-breaker, §5). Composite sub-fields nest:
 * `order_by=name.firstName` gives `{"name":{"firstName":"Ada"},"id":"…"}` on current servers
 * (twenty-server `encodeCursor` with field metadata) and in the emulator. (A 2025 server version
 * is said to have written flat dotted keys, `{"name.firstName":"Ada",…}`; not supported.)
 */
import type { TwentyRecord } from './types.js';

export type OrderBy = string | Array<{ field: string; direction?: string }> | undefined;

/** The field paths of an order_by, in order, with `id` appended unless already there. */
export function orderKeyPaths(orderBy: OrderBy): string[][] {
  const fields =
    orderBy === undefined
      ? []
      : typeof orderBy === 'string'
        ? orderBy.split(',').filter((item) => item !== '').map((item) => item.split('[')[0])
        : orderBy.map((o) => o.field);
  const paths = fields.map((f) => f.split('.'));
  if (!paths.some((p) => p.length === 1 && p[0] === 'id')) paths.push(['id']);
  return paths;
}

export function cursorFor(record: TwentyRecord, orderBy?: OrderBy): string {
  const payload: Record<string, unknown> = {};
  for (const path of orderKeyPaths(orderBy)) {
    const [head, sub] = path;
    const top = record[head];
    if (sub === undefined) {
      payload[head] = top ?? null;
    } else {
      const parent = (payload[head] as Record<string, unknown> | undefined) ?? {};
      parent[sub] = subValue(top, sub);
      payload[head] = parent;
    }
  }
  // §3: `{...orderValues, id}` — id keeps its place if ordered explicitly, else comes last.
  payload.id = record.id;
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

const subValue = (parent: unknown, key: string): unknown =>
  parent !== null && typeof parent === 'object' ? ((parent as Record<string, unknown>)[key] ?? null) : null;
