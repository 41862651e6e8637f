/**
 * A grouped query over one object, and its answer as rows, computed two ways that must agree:
 * - pushed down to Twenty's groupBy (§7): the grouping plus the currency of every money field
 *   (§7: `sumAmountAmountMicros` adds currencies up, so the currency is always a dimension),
 *   with `totalCount`, `sum…AmountMicros`/`avg…AmountMicros` per money field and
 *   `sum…`/`countNotEmpty…` per number field;
 * - from the records themselves, paged (servers without groupBy, filters with a residual check).
 * Keys are normalised the same way on both paths: `''` and null are one "no value", dates are
 * the first day of their UTC period.
 */
import type { BuiltFilter } from '../twenty/filter.js';
import type { GroupByParams, GroupByRow, TwentyRecord } from '../twenty/types.js';
import { periodStart, type Granularity } from './dates.js';
import { countFromAverage, parseDecimal, parseInteger, roundDiv } from './money.js';
import type { ReportObject } from './objects.js';

export interface Dimension {
  /** Twenty path: `stage`, `companyId`, `amount.currencyCode`, `closeDate`. */
  path: string;
  /** Dates only: the period they are grouped by, in UTC. */
  granularity?: Granularity;
}

/**
 * A way to cut a query's records into parts by one of its dimensions, used when one groupBy
 * answer cannot hold every group (§7: at most 200, no cursor): `items` partition the records, and
 * `filterFor` selects the records of some of them (undefined when no condition is needed).
 */
export interface Domain {
  items: readonly string[];
  filterFor(items: readonly string[], whole: boolean): string | undefined;
}

export interface GroupQuery {
  object: ReportObject;
  /** What the caller groups by; each money field's currency follows unless already there. */
  dimensions: Dimension[];
  /** The records to group, soft-deleted ones excluded (see `reportFilter`). */
  filter: BuiltFilter;
  /** Names `filter` for caches: the GraphQL input it was built from, never a moment in time. */
  filterKey: string;
  /** Only the records whose `field` is one of `values` (a loader's keys), `field[in]:[…]`: cut first when needed. */
  keys?: { field: string; values: readonly string[] };
  /** Further domains to cut by, asked for only when an answer is incomplete. */
  domains?: () => Promise<Domain[]>;
}

/** One group: its key (one value per dimension of `allDimensions`) and what it holds. */
export interface GroupRow {
  key: Array<string | null>;
  /** Every record of the group, with or without amounts. */
  count: number;
  /** Per money field, in the row's currency: the sum and average of the records that have an amount (null when none has). */
  money: Record<string, { sum: bigint | null; average: bigint | null }>;
  /** Per number field: the sum over the records with a value, and how many have one. */
  numbers: Record<string, { sum: number; count: number }>;
}

/** The query's dimensions followed by the currency of each money field not already among them. */
export function allDimensions(query: Pick<GroupQuery, 'object' | 'dimensions'>): Dimension[] {
  const dims = [...query.dimensions];
  for (const field of query.object.money) {
    const path = `${field}.currencyCode`;
    if (!dims.some((d) => d.path === path)) dims.push({ path });
  }
  return dims;
}

const capitalise = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** §7 aggregate names of a money field, as asked for and as answered: `sumAmountAmountMicros`, `avgAmountAmountMicros`. */
const moneyAggregates = (field: string) => ({ sum: `sum${capitalise(field)}AmountMicros`, avg: `avg${capitalise(field)}AmountMicros` });
/** §7 aggregate names of a number field: `sumEmployees`, `countNotEmptyEmployees`. */
const numberAggregates = (field: string) => ({ sum: `sum${capitalise(field)}`, count: `countNotEmpty${capitalise(field)}` });

/** §7 `group_by` items: `{"stage":true}`, `{"amount":{"currencyCode":true}}`, `{"closeDate":{"granularity":"MONTH","timeZone":"UTC"}}`. */
function groupByItem(dim: Dimension): Record<string, unknown> {
  const [field, sub] = dim.path.split('.');
  if (dim.granularity) return { [field]: { granularity: dim.granularity, timeZone: 'UTC' } };
  return { [field]: sub ? { [sub]: true } : true };
}

export function groupByParams(query: GroupQuery, filter: string | undefined, limit: number): GroupByParams {
  const aggregate = ['totalCount'];
  for (const field of query.object.money) aggregate.push(...Object.values(moneyAggregates(field)));
  for (const field of query.object.numbers) aggregate.push(...Object.values(numberAggregates(field)));
  return { groupBy: allDimensions(query).map(groupByItem), aggregate, filter, limit };
}

function keyValue(value: unknown, dim: Dimension): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  // A date bucket is its first day; a server that sends a whole timestamp means the same day.
  return dim.granularity && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}

/** Rows from a groupBy answer. */
export function rowsFromAnswer(query: GroupQuery, answer: GroupByRow[]): GroupRow[] {
  const dims = allDimensions(query);
  return answer.map((group) => {
    const row: GroupRow = {
      key: dims.map((dim, i) => keyValue(group.groupByDimensionValues[i], dim)),
      count: Number(parseInteger(group.totalCount) ?? 0n),
      money: {},
      numbers: {},
    };
    for (const field of query.object.money) {
      const names = moneyAggregates(field);
      const sum = parseInteger(group[names.sum]);
      const average = parseDecimal(group[names.avg]);
      row.money[field] = { sum: average === null ? null : sum, average: average === null || sum === null ? null : exactAverage(sum, average) };
    }
    for (const field of query.object.numbers) {
      const names = numberAggregates(field);
      const count = Number(group[names.count] ?? 0);
      row.numbers[field] = { sum: count === 0 ? 0 : Number(group[names.sum] ?? 0), count };
    }
    return row;
  });
}

/**
 * The exact average, rounded once: Twenty's own average is a rounded decimal, so rounding it
 * again could differ from the records path; the count it implies is exact (countFromAverage).
 */
function exactAverage(sum: bigint, average: { digits: bigint; scale: number }): bigint {
  if (sum === 0n || average.digits === 0n) return 0n;
  const count = countFromAverage(sum, average);
  return count > 0n ? roundDiv(sum, count) : 0n;
}

function valueAt(record: TwentyRecord, path: string): unknown {
  const [field, sub] = path.split('.');
  const value = record[field];
  if (sub === undefined) return value;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[sub] : undefined;
}

interface Accumulator {
  key: Array<string | null>;
  count: number;
  money: Record<string, { sum: bigint; n: number }>;
  numbers: Record<string, { sum: number; count: number }>;
}

/** Rows from the records themselves (every record of the query's filter, residual check passed). */
export function rowsFromRecords(query: GroupQuery, records: TwentyRecord[]): GroupRow[] {
  const dims = allDimensions(query);
  const groups = new Map<string, Accumulator>();
  for (const record of records) {
    const key = dims.map((dim) => {
      const value = valueAt(record, dim.path);
      if (dim.granularity) return typeof value === 'string' && value !== '' ? periodStart(value, dim.granularity) : null;
      return keyValue(value, dim);
    });
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (!group) {
      group = { key, count: 0, money: {}, numbers: {} };
      for (const field of query.object.money) group.money[field] = { sum: 0n, n: 0 };
      for (const field of query.object.numbers) group.numbers[field] = { sum: 0, count: 0 };
      groups.set(id, group);
    }
    group.count += 1;
    for (const field of query.object.money) {
      const micros = parseInteger(valueAt(record, `${field}.amountMicros`));
      if (micros === null) continue;
      group.money[field].sum += micros;
      group.money[field].n += 1;
    }
    for (const field of query.object.numbers) {
      const value = record[field];
      if (typeof value !== 'number' && (typeof value !== 'string' || value === '')) continue;
      group.numbers[field].sum += Number(value);
      group.numbers[field].count += 1;
    }
  }
  return [...groups.values()].map((group) => ({
    key: group.key,
    count: group.count,
    money: Object.fromEntries(
      Object.entries(group.money).map(([field, { sum, n }]) => [field, n === 0 ? { sum: null, average: null } : { sum, average: roundDiv(sum, BigInt(n)) }]),
    ),
    numbers: group.numbers,
  }));
}
