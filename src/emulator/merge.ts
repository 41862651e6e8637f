/**
 * `PATCH /rest/{plural}/merge` (twenty-rest.md §1): `{"ids":[…],"conflictPriorityIndex":0,"dryRun":false}`.
 * The record at the priority index keeps its values and takes the others' where its own are
 * empty; links to the others move to it, and the others are removed.
 */
import { badRequest, isUuid, notFound } from './http-error.js';
import { type ObjectDef } from './objects.js';
import { type Row, serializeRow, type JsonRecord } from './serialize.js';
import { type Store } from './store.js';

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || v === '[]' || v === '{}';

export function mergeRecords(store: Store, ws: string, def: ObjectDef, body: unknown): JsonRecord {
  const input = (body ?? {}) as { ids?: unknown; conflictPriorityIndex?: unknown; dryRun?: unknown };
  const ids = input.ids;
  if (!Array.isArray(ids) || ids.length < 2 || !ids.every(isUuid)) {
    throw badRequest(`'ids' must be an array of at least 2 record UUIDs`);
  }
  // A repeated id would make the kept record one of "the others": it would be relinked to itself
  // and destroyed. Refuse before anything changes (§8: bad input is a 400).
  if (new Set(ids.map((id: string) => id.toLowerCase())).size !== ids.length) {
    throw badRequest(`'ids' must not contain the same record twice`);
  }
  const priority = input.conflictPriorityIndex ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority >= ids.length) {
    throw badRequest(`'conflictPriorityIndex' must be an index into 'ids'`);
  }
  const rows = ids.map((id) => store.findById(ws, def, id));
  if (rows.some((r) => !r)) throw notFound();
  const keep = rows[priority] as Row;
  const others = rows.filter((_, i) => i !== priority) as Row[];
  const merged: Row = { ...keep };
  for (const col of def.columns) {
    if (col.field.system) continue;
    if (isEmpty(merged[col.column])) {
      const donor = others.find((r) => !isEmpty(r[col.column]));
      if (donor) merged[col.column] = donor[col.column];
    }
  }
  if (input.dryRun === true) return serializeRow(def, merged);
  store.db.transaction(() => {
    const changed = Object.fromEntries(def.columns.filter((c) => !c.field.system).map((c) => [c.column, merged[c.column]]));
    store.update(ws, def, keep.id as string, { ...changed, updatedAt: new Date().toISOString() });
    for (const other of others) {
      store.relink(ws, def, other.id as string, keep.id as string);
      store.destroy(ws, def, other.id as string);
    }
  })();
  return serializeRow(def, store.findById(ws, def, keep.id as string)!);
}
