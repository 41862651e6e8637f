/**
 * `GET /rest/{plural}/groupBy` (twenty-rest.md §7): `group_by` and `aggregate` are JSON in the
 * query string; the answer is a bare array of `{groupByDimensionValues, ...aggregates}`.
 * Date fields group by DAY/WEEK/MONTH/QUARTER/YEAR (UTC, ISO weeks start on Monday) and report
 * the period's first day; integer currency aggregates come back as strings (they can exceed 2^53).
 */
import { type FilterNode } from './filter-parse.js';
import { badRequest } from './http-error.js';
import { type ColumnDef, type ObjectDef, columnFor } from './objects.js';
import { capitalize, isCompositeType } from './composites.js';
import { type Store } from './store.js';

const GROUP_BY_HINT = `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`;
const AGGREGATE_HINT = `Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]`;

export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;

interface Dimension {
  sql: string;
  col: ColumnDef;
}

interface Aggregate {
  name: string;
  sql: string;
  format: (value: unknown) => unknown;
}

const q = (identifier: string): string => `"${identifier}"`;

function dateTrunc(ref: string, granularity: string): string {
  const day = `substr(${ref}, 1, 10)`;
  switch (granularity) {
    case 'DAY':
      return day;
    case 'WEEK':
      return `date(${day}, '-' || ((CAST(strftime('%w', ${day}) AS INTEGER) + 6) % 7) || ' days')`;
    case 'MONTH':
      return `substr(${ref}, 1, 7) || '-01'`;
    case 'QUARTER':
      return `substr(${ref}, 1, 5) || printf('%02d', ((CAST(substr(${ref}, 6, 2) AS INTEGER) - 1) / 3) * 3 + 1) || '-01'`;
    case 'YEAR':
      return `substr(${ref}, 1, 4) || '-01-01'`;
  }
  throw badRequest(`Invalid granularity '${granularity}'. Allowed values: ${GRANULARITIES.join(', ')}`);
}

function parseDimensions(def: ObjectDef, raw: string[]): Dimension[] {
  if (raw.length !== 1) throw badRequest(GROUP_BY_HINT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw[0]);
  } catch {
    throw badRequest(GROUP_BY_HINT);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw badRequest(GROUP_BY_HINT);
  return parsed.map((item) => {
    if (!item || typeof item !== 'object' || Object.keys(item).length !== 1) throw badRequest(GROUP_BY_HINT);
    const [name, spec] = Object.entries(item as Record<string, unknown>)[0];
    const field = def.fieldsByName.get(name);
    if (!field) throw badRequest(`Cannot group by '${name}': field does not exist on object '${def.singular}'`);
    if (isCompositeType(field.type)) {
      const subs = spec && typeof spec === 'object' ? Object.keys(spec) : [];
      // One group_by object groups by one column (§7): two sub-fields must be two objects,
      // never one of them silently dropped.
      if (subs.length > 1) {
        throw badRequest(
          `Cannot group by more than one sub-field of '${name}' in one group_by item, eg: [{"${name}": {"${subs[0]}": true}}, {"${name}": {"${subs[1]}": true}}]`,
        );
      }
      const sub = subs[0];
      const col = sub ? columnFor(def, field, sub) : undefined;
      if (!col) throw badRequest(`Cannot group by composite field '${name}' without a sub-field, eg: {"${name}": {"subField": true}}`);
      return { sql: `t.${q(col.column)}`, col };
    }
    const col = columnFor(def, field)!;
    if (col.kind === 'DATE_TIME') {
      const granularity = spec && typeof spec === 'object' ? String((spec as Record<string, unknown>).granularity ?? 'DAY') : 'DAY';
      return { sql: dateTrunc(`t.${q(col.column)}`, granularity), col };
    }
    if (spec !== true) throw badRequest(GROUP_BY_HINT);
    return { sql: `t.${q(col.column)}`, col };
  });
}

const toNumber = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
const toBigString = (v: unknown): unknown => (v === null || v === undefined ? null : String(v));

/** Every aggregate name Twenty derives from a column, e.g. `sumAmountAmountMicros`. */
function aggregatesFor(def: ObjectDef): Map<string, Aggregate> {
  const map = new Map<string, Aggregate>();
  map.set('totalCount', { name: 'totalCount', sql: 'COUNT(*)', format: toNumber });
  for (const col of def.columns) {
    if (col.kind === 'RAW_JSON') continue;
    const n = capitalize(col.column);
    const ref = `t.${q(col.column)}`;
    const empty = col.kind === 'TEXT' ? `(${ref} IS NULL OR ${ref} = '')` : `${ref} IS NULL`;
    const add = (name: string, sql: string, format: Aggregate['format']) => map.set(name, { name, sql, format });
    add(`countEmpty${n}`, `SUM(CASE WHEN ${empty} THEN 1 ELSE 0 END)`, toNumber);
    add(`countNotEmpty${n}`, `SUM(CASE WHEN ${empty} THEN 0 ELSE 1 END)`, toNumber);
    add(`countUniqueValues${n}`, `COUNT(DISTINCT ${ref})`, toNumber);
    add(`percentageEmpty${n}`, `CAST(SUM(CASE WHEN ${empty} THEN 1 ELSE 0 END) AS REAL) / COUNT(*)`, toNumber);
    add(`percentageNotEmpty${n}`, `CAST(SUM(CASE WHEN ${empty} THEN 0 ELSE 1 END) AS REAL) / COUNT(*)`, toNumber);
    if (col.kind === 'NUMBER' || col.kind === 'NUMERIC') {
      const big = col.kind === 'NUMERIC' ? toBigString : toNumber;
      add(`sum${n}`, `SUM(${ref})`, big);
      add(`avg${n}`, `AVG(${ref})`, toNumber);
      add(`min${n}`, `MIN(${ref})`, big);
      add(`max${n}`, `MAX(${ref})`, big);
    }
    if (col.kind === 'DATE_TIME') {
      add(`min${n}`, `MIN(${ref})`, (v) => v);
      add(`max${n}`, `MAX(${ref})`, (v) => v);
    }
    if (col.kind === 'BOOLEAN') {
      add(`countTrue${n}`, `SUM(CASE WHEN ${ref} = 1 THEN 1 ELSE 0 END)`, toNumber);
      add(`countFalse${n}`, `SUM(CASE WHEN ${ref} = 0 THEN 1 ELSE 0 END)`, toNumber);
    }
  }
  return map;
}

const aggregateCache = new WeakMap<ObjectDef, Map<string, Aggregate>>();

function parseAggregates(def: ObjectDef, raw: string[]): Aggregate[] {
  let all = aggregateCache.get(def);
  if (!all) aggregateCache.set(def, (all = aggregatesFor(def)));
  if (raw.length === 0) return [all.get('totalCount')!];
  if (raw.length !== 1) throw badRequest(AGGREGATE_HINT);
  let names: unknown;
  try {
    names = JSON.parse(raw[0]);
  } catch {
    throw badRequest(AGGREGATE_HINT);
  }
  if (!Array.isArray(names)) throw badRequest(AGGREGATE_HINT);
  return names.map((name) => {
    const agg = typeof name === 'string' ? all!.get(name) : undefined;
    if (!agg) throw badRequest(`Unknown aggregate '${String(name)}' on object '${def.singular}'`);
    return agg;
  });
}

const dimensionValue = (col: ColumnDef, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (col.kind === 'BOOLEAN') return Number(value) === 1 ? 'true' : 'false';
  return typeof value === 'bigint' ? value.toString() : String(value);
};

export function groupBy(
  store: Store,
  ws: string,
  def: ObjectDef,
  args: { groupBy: string[]; aggregate: string[]; filter: FilterNode | null; limit: number },
): Array<Record<string, unknown>> {
  const dims = parseDimensions(def, args.groupBy);
  const aggs = parseAggregates(def, args.aggregate);
  const where = store.where(ws, def, args.filter);
  const dimSelect = dims.map((d, i) => `${d.sql} AS "d${i}"`).join(', ');
  const aggSelect = aggs.map((a, i) => `${a.sql} AS "a${i}"`).join(', ');
  const groupCols = dims.map((_, i) => `"d${i}"`).join(', ');
  const order = dims.map((_, i) => `"d${i}" ASC NULLS LAST`).join(', ');
  const sql = `SELECT ${dimSelect}, ${aggSelect} FROM ${q(def.plural)} t WHERE ${where.sql} GROUP BY ${groupCols} ORDER BY ${order} LIMIT ?`;
  const rows = store.stmt(sql).safeIntegers(true).all(...where.params, args.limit) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const out: Record<string, unknown> = { groupByDimensionValues: dims.map((d, i) => dimensionValue(d.col, row[`d${i}`])) };
    aggs.forEach((a, i) => {
      out[a.name] = a.format(row[`a${i}`]);
    });
    return out;
  });
}
