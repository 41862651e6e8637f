import type { SortDirection } from '../generated/graphql.js';

/** One `order_by` key in Twenty's terms (§5). */
export interface OrderItem {
  field: string;
  direction: 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast';
}

// ASC and DESC mirror each other (nulls first ascending, last descending) so that reversing a
// list for `last` without `before` is exact.
const DIRECTIONS: Record<SortDirection, OrderItem['direction']> = {
  ASC: 'AscNullsFirst',
  ASC_NULLS_LAST: 'AscNullsLast',
  DESC: 'DescNullsLast',
  DESC_NULLS_FIRST: 'DescNullsFirst',
};

const REVERSED: Record<OrderItem['direction'], OrderItem['direction']> = {
  AscNullsFirst: 'DescNullsLast',
  AscNullsLast: 'DescNullsFirst',
  DescNullsFirst: 'AscNullsLast',
  DescNullsLast: 'AscNullsFirst',
};

/**
 * The GraphQL `orderBy` list as Twenty order items, always ending with Twenty's own tie-breaker
 * (§5: `id` ascending is appended), made explicit so the order can be reversed exactly and
 * compared in memory.
 */
export function toOrderItems(
  orderBy: ReadonlyArray<{ field: string; direction?: SortDirection | null }> | null | undefined,
  fields: Record<string, string>,
): OrderItem[] {
  const items: OrderItem[] = [];
  for (const { field, direction } of orderBy ?? []) {
    const path = fields[field];
    if (!path) throw new TypeError(`No Twenty field for order field ${field}`);
    if (items.some((item) => item.field === path)) continue; // a repeated key cannot change the order
    items.push({ field: path, direction: DIRECTIONS[direction ?? 'ASC'] });
  }
  if (!items.some((item) => item.field === 'id')) items.push({ field: 'id', direction: 'AscNullsFirst' });
  return items;
}

export function reverseOrder(items: OrderItem[]): OrderItem[] {
  return items.map((item) => ({ field: item.field, direction: REVERSED[item.direction] }));
}

function valueAt(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined ? null : value;
}

const INTEGER = /^-?\d+$/;

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  // amountMicros may arrive as a string of digits (§7: big integers as strings).
  if (INTEGER.test(sa) && INTEGER.test(sb)) {
    const [x, y] = [BigInt(sa), BigInt(sb)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((typeof a === 'number' || typeof b === 'number') && !Number.isNaN(Number(sa)) && !Number.isNaN(Number(sb))) {
    return Number(sa) - Number(sb);
  }
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * An in-memory comparator for the same order, for merging results that came back in several
 * chunks. Strings compare by code unit, which may differ from the server's collation for
 * non-ASCII text; it is used only where no single server response holds the whole order.
 */
export function compareBy(items: OrderItem[]): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  return (a, b) => {
    for (const { field, direction } of items) {
      const x = valueAt(a, field);
      const y = valueAt(b, field);
      const descending = direction.startsWith('Desc');
      const nullsFirst = direction.endsWith('NullsFirst');
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  };
}
