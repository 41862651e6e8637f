/**
 * `GET /rest/{plural}/groupBy` (twenty-rest.md §7): `group_by` and `aggregate` are JSON in the
 * query string; the answer is a bare array of `{groupByDimensionValues, ...aggregates}`.
 * Dimensions: a scalar field or foreign key (`{"companyId":true}`), one sub-field of a composite
 * (`{"amount":{"currencyCode":true}}`), or a date with a granularity and time zone
 * (date-group.ts). Aggregates carry Twenty's names (get-available-aggregations-from-object-fields):
 * count-like ones per field, a composite's over the concatenation of its aggregated sub-fields
 * (so `countNotEmptyAmount` counts a currency code without an amount), sums and averages of
 * numbers and of a currency's `amountMicros`. Integer amounts are summed exactly and come back as
 * strings, averages as Postgres' numeric division writes them; `limit` counts groups (default 50).
 */
import { type FilterNode } from './filter-parse.js';
import { badRequest } from './http-error.js';
import { type ColumnDef, type FieldDef, type ObjectDef, columnFor } from './objects.js';
import { type CompositeType, capitalize, isCompositeType, subColumn } from './composites.js';
import { dateBucket, parseDateGrouping } from './date-group.js';
import { type Store } from './store.js';
import type { Db } from './db.js';

const GROUP_BY_HINT = `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`;
const AGGREGATE_HINT = `Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]`;

/** Twenty's DEFAULT_NUMBER_OF_GROUPS_LIMIT, used when `limit` is absent or not positive. */
export const DEFAULT_GROUP_LIMIT = 50;

interface Dimension {
  sql: string;
  params: unknown[];
  col: ColumnDef;
}

interface Aggregate {
  name: string;
  sql: string;
  format: (value: unknown) => unknown;
}

const q = (identifier: string): string => `"${identifier}"`;

/** The sub-fields Twenty's count aggregates look at, per composite type (getSubfieldsForAggregateOperation). */
const AGGREGATED_SUBFIELDS: Record<CompositeType, string[]> = {
  CURRENCY: ['amountMicros', 'currencyCode'],
  FULL_NAME: ['firstName', 'lastName'],
  ADDRESS: ['addressStreet1', 'addressStreet2', 'addressCity', 'addressPostcode', 'addressState', 'addressCountry', 'addressLat', 'addressLng'],
  LINKS: ['primaryLinkUrl'],
  ACTOR: ['workspaceMemberId', 'source'],
  EMAILS: ['primaryEmail'],
  PHONES: ['primaryPhoneNumber', 'primaryPhoneCountryCode', 'primaryPhoneCallingCode'],
  RICH_TEXT_V2: ['blocknote', 'markdown'],
};

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
      return { sql: `t.${q(col.column)}`, params: [], col };
    }
    const col = columnFor(def, field)!;
    if (col.kind === 'DATE_TIME' && spec && typeof spec === 'object') {
      const grouping = parseDateGrouping(spec as Record<string, unknown>);
      return {
        sql: `twenty_date_bucket(t.${q(col.column)}, ?, ?, ?)`,
        params: [grouping.granularity, grouping.timeZone, grouping.weekStart],
        col,
      };
    }
    if (spec !== true) throw badRequest(GROUP_BY_HINT);
    return { sql: `t.${q(col.column)}`, params: [], col };
  });
}

const toNumber = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
const asText = (v: unknown): unknown => (v === null || v === undefined ? null : String(v));

/** Twenty's "empty" test: NULLIF(CONCAT(columns…), '') is null (ProcessAggregateHelper). */
function emptinessOf(def: ObjectDef, field: FieldDef): string {
  const cols = isCompositeType(field.type)
    ? AGGREGATED_SUBFIELDS[field.type].map((sub) => def.columnsByName.get(subColumn(field.name, sub))!.column)
    : [field.column];
  return `NULLIF(${cols.map((c) => `COALESCE(t.${q(c)}, '')`).join(' || ')}, '')`;
}

/** Every aggregate name Twenty derives from an object's fields, e.g. `sumAmountAmountMicros`. */
function aggregatesFor(def: ObjectDef): Map<string, Aggregate> {
  const map = new Map<string, Aggregate>();
  const add = (name: string, sql: string, format: Aggregate['format']) => map.set(name, { name, sql, format });
  add('totalCount', 'COUNT(*)', toNumber);
  for (const field of def.fields) {
    const n = capitalize(field.name);
    const value = emptinessOf(def, field);
    add(`countEmpty${n}`, `COUNT(*) - COUNT(${value})`, toNumber);
    add(`countNotEmpty${n}`, `COUNT(${value})`, toNumber);
    add(`countUniqueValues${n}`, `COUNT(DISTINCT ${value})`, toNumber);
    add(`percentageEmpty${n}`, `CAST(COUNT(*) - COUNT(${value}) AS REAL) / COUNT(*)`, toNumber);
    add(`percentageNotEmpty${n}`, `CAST(COUNT(${value}) AS REAL) / COUNT(*)`, toNumber);
    const ref = `t.${q(field.column)}`;
    if (field.type === 'NUMBER' || field.type === 'POSITION') {
      add(`sum${n}`, `SUM(${ref})`, toNumber);
      add(`avg${n}`, `AVG(${ref})`, toNumber);
      add(`min${n}`, `MIN(${ref})`, toNumber);
      add(`max${n}`, `MAX(${ref})`, toNumber);
    }
    if (field.type === 'CURRENCY') {
      const micros = `t.${q(subColumn(field.name, 'amountMicros'))}`;
      add(`sum${n}AmountMicros`, `exact_sum(${micros})`, asText);
      add(`avg${n}AmountMicros`, `exact_avg(${micros})`, asText);
      add(`min${n}AmountMicros`, `MIN(${micros})`, asText);
      add(`max${n}AmountMicros`, `MAX(${micros})`, asText);
    }
    if (field.type === 'DATE_TIME') {
      add(`min${n}`, `MIN(${ref})`, (v) => v);
      add(`max${n}`, `MAX(${ref})`, (v) => v);
    }
    if (field.type === 'BOOLEAN') {
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
  const limit = args.limit > 0 ? args.limit : DEFAULT_GROUP_LIMIT;
  const params = [...dims.flatMap((d) => d.params), ...where.params, limit];
  const rows = store.stmt(sql).safeIntegers(true).all(...params) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const out: Record<string, unknown> = { groupByDimensionValues: dims.map((d, i) => dimensionValue(d.col, row[`d${i}`])) };
    aggs.forEach((a, i) => {
      out[a.name] = a.format(row[`a${i}`]);
    });
    return out;
  });
}

/**
 * SQL functions groupBy needs: date buckets (date-group.ts), and Postgres' exact NUMERIC sum and
 * average of `amountMicros`, which SQLite's SUM (64-bit, overflows) and AVG (a double) are not.
 */
export function registerGroupByFunctions(db: Db): void {
  db.function('twenty_date_bucket', { deterministic: true }, (value: unknown, granularity: unknown, timeZone: unknown, weekStart: unknown) =>
    dateBucket(value, String(granularity), String(timeZone), Number(weekStart)),
  );
  const sums = { start: () => ({ sum: 0n, n: 0n }), safeIntegers: true, deterministic: true };
  const add = (acc: { sum: bigint; n: bigint }, value: unknown) => {
    if (value !== null && value !== undefined) {
      acc.sum += BigInt(value as bigint | number);
      acc.n += 1n;
    }
    return acc;
  };
  db.aggregate('exact_sum', { ...sums, step: add, result: (acc: { sum: bigint; n: bigint }) => (acc.n === 0n ? null : acc.sum.toString()) });
  db.aggregate('exact_avg', { ...sums, step: add, result: (acc: { sum: bigint; n: bigint }) => (acc.n === 0n ? null : numericDivide(acc.sum, acc.n)) });
}

/**
 * `sum / n` as Postgres' numeric division writes it (select_div_scale): at least 16 significant
 * digits, counted in base-10000 digit groups, rounded half away from zero.
 */
function numericDivide(sum: bigint, n: bigint): string {
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const weight = (x: bigint) => Math.floor((abs(x).toString().length - 1) / 4);
  const firstDigit = (x: bigint) => abs(x) / 10_000n ** BigInt(weight(x));
  // The quotient's weight is estimated one lower when the leading base-10000 digits suggest it.
  const qweight = weight(sum) - weight(n) - (firstDigit(sum) <= firstDigit(n) ? 1 : 0);
  const scale = Math.max(0, 16 - qweight * 4);
  const factor = 10n ** BigInt(scale);
  const scaled = sum * factor;
  const negative = scaled < 0n !== n < 0n;
  const absScaled = abs(scaled);
  const absN = abs(n);
  let quotient = absScaled / absN;
  if ((absScaled % absN) * 2n >= absN) quotient += 1n;
  const digits = quotient.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && quotient !== 0n ? `-${text}` : text;
}
