/**
 * `order_by` (twenty-rest.md §5) and cursors (§3): a cursor is standard base64 of JSON holding the
 * record's value for each order key plus its `id`; paging is keyset paging on those values.
 */
import { badRequest, isUuid } from './http-error.js';
import { type ColumnDef, type ObjectDef, columnFor } from './objects.js';
import { isCompositeType } from './composites.js';
import { type SqlCondition } from './filter-sql.js';

export const DIRECTIONS = ['AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface OrderKey {
  /** `['name','firstName']` for a composite sub-field, `['createdAt']` otherwise. */
  path: string[];
  col: ColumnDef;
  direction: Direction;
}

const q = (identifier: string): string => `"${identifier}"`;

export function parseOrderBy(def: ObjectDef, values: string[]): OrderKey[] {
  const keys: OrderKey[] = [];
  // Like Twenty, anything but a single string means "no order_by".
  if (values.length === 1 && values[0] !== '') {
    for (const item of values[0].split(',')) {
      let direction: Direction = 'AscNullsFirst';
      let fieldPath = item;
      if (item.includes('[') && item.includes(']')) {
        const [name, rest] = item.split('[');
        const dir = rest.replace(']', '');
        if (!(DIRECTIONS as readonly string[]).includes(dir)) {
          throw badRequest(
            `'order_by' direction '${dir}' invalid. Allowed values are '${DIRECTIONS.join("', '")}'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3`,
          );
        }
        direction = dir as Direction;
        fieldPath = name;
      }
      const path = fieldPath.split('.');
      const field = def.fieldsByName.get(path[0]);
      if (!field || path.length > 2) throw badRequest(`'order_by' invalid. Field '${fieldPath}' does not exist on object '${def.singular}'`);
      if (isCompositeType(field.type) && path.length === 1) {
        // §5: a whole composite field cannot be ordered; name a sub-field.
        throw badRequest(`'order_by' invalid. Composite field '${fieldPath}' cannot be ordered as a whole, use a sub-field eg: ${fieldPath}.${def.columns.find((c) => c.field === field)?.sub?.name}`);
      }
      const col = columnFor(def, field, path[1]);
      if (!col || col.kind === 'RAW_JSON') throw badRequest(`'order_by' invalid. Field '${fieldPath}' does not exist on object '${def.singular}'`);
      keys.push({ path, col, direction });
    }
  }
  // §5: id ascending is always the tie-breaker.
  if (!keys.some((k) => k.path.length === 1 && k.path[0] === 'id')) {
    keys.push({ path: ['id'], col: def.columnsByName.get('id')!, direction: 'AscNullsFirst' });
  }
  return keys;
}

const SQL_DIRECTION: Record<Direction, string> = {
  AscNullsFirst: 'ASC NULLS FIRST',
  AscNullsLast: 'ASC NULLS LAST',
  DescNullsFirst: 'DESC NULLS FIRST',
  DescNullsLast: 'DESC NULLS LAST',
};

/** Reading backwards (`ending_before`) flips each direction and its nulls placement. */
export const REVERSED: Record<Direction, Direction> = {
  AscNullsFirst: 'DescNullsLast',
  AscNullsLast: 'DescNullsFirst',
  DescNullsFirst: 'AscNullsLast',
  DescNullsLast: 'AscNullsFirst',
};

export function orderSql(keys: OrderKey[], alias: string, reverse: boolean): string {
  return keys
    .map((k) => `${alias}.${q(k.col.column)} ${SQL_DIRECTION[reverse ? REVERSED[k.direction] : k.direction]}`)
    .join(', ');
}

/** The cursor of one serialised record. */
export function encodeCursor(keys: OrderKey[], record: Record<string, unknown>): string {
  const payload: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.path.length === 1) payload[key.path[0]] = record[key.path[0]] ?? null;
    else {
      const parent = (payload[key.path[0]] as Record<string, unknown> | undefined) ?? {};
      parent[key.path[1]] = (record[key.path[0]] as Record<string, unknown> | null)?.[key.path[1]] ?? null;
      payload[key.path[0]] = parent;
    }
  }
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

export type CursorPayload = Record<string, unknown> & { id?: unknown };

export function decodeCursor(cursor: string): CursorPayload {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    // §3: a cursor always carries the record's id; one whose id is not a UUID string names no
    // record and would reach the id comparison as the wrong type.
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { id } = parsed as CursorPayload;
      if (typeof id === 'string' && isUuid(id)) return parsed as CursorPayload;
    }
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor');
}

/** The value of one order key in a cursor payload; undefined when the cursor lacks it. */
export function cursorValue(payload: CursorPayload, key: OrderKey): unknown {
  if (key.path.length === 1) return payload[key.path[0]];
  const parent = payload[key.path[0]];
  if (parent && typeof parent === 'object') return (parent as Record<string, unknown>)[key.path[1]];
  return undefined;
}

/** Converts a JSON value back to its stored form, for comparisons against columns. */
export function toStored(col: ColumnDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (col.kind === 'BOOLEAN') return value ? 1 : 0;
  if (col.kind === 'RAW_JSON') return JSON.stringify(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/**
 * Rows strictly after the cursor in the given order (`reverse` reads towards the start).
 * Lexicographic: equal on the keys before, strictly after on this one, nulls placed as ordered.
 */
export function afterCursorSql(keys: OrderKey[], values: unknown[], alias: string, reverse: boolean): SqlCondition {
  const ors: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const parts: string[] = [];
    const partParams: unknown[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${alias}.${q(keys[j].col.column)} IS ?`);
      partParams.push(values[j]);
    }
    const direction = reverse ? REVERSED[keys[i].direction] : keys[i].direction;
    const ref = `${alias}.${q(keys[i].col.column)}`;
    const v = values[i];
    const asc = direction.startsWith('Asc');
    const nullsFirst = direction.endsWith('NullsFirst');
    let strict: string;
    if (v === null) {
      if (!nullsFirst) continue; // nothing sorts after NULL when nulls come last
      strict = `${ref} IS NOT NULL`;
    } else {
      strict = nullsFirst ? `${ref} ${asc ? '>' : '<'} ?` : `(${ref} ${asc ? '>' : '<'} ? OR ${ref} IS NULL)`;
      partParams.push(v);
    }
    parts.push(strict);
    ors.push(`(${parts.join(' AND ')})`);
    params.push(...partParams);
  }
  if (ors.length === 0) return { sql: '0', params: [] };
  return { sql: `(${ors.join(' OR ')})`, params };
}
