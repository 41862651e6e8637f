/**
 * Reports computed the plain way, in the test, from every record read over REST (soft-deleted
 * ones included, then dropped here): what the BFF must answer, written without its code.
 * Money in big integers per currency; divisions round half away from zero; periods in UTC.
 */
import type { Emulator } from '../../src/emulator/index.js';
import { fetchAll, type Rec } from '../emulator/helpers.js';

/** Every record of an object, soft-deleted ones too (§4: naming deletedAt brings them in). */
export function everyRecord(em: Emulator, plural: string, key?: string): Promise<Rec[]> {
  return fetchAll(em, plural, { filter: 'or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)' }, key);
}

export const live = (records: Rec[]): Rec[] => records.filter((r) => r.deletedAt == null);

type Amounts = Map<string | null, bigint>;

function div(a: bigint, b: bigint): bigint {
  const sign = (a < 0n) !== (b < 0n) ? -1n : 1n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  return sign * (x / y + ((x % y) * 2n >= y ? 1n : 0n));
}

export function moneyOf(amounts: Amounts): Array<{ amountMicros: string; currencyCode: string | null }> {
  return [...amounts]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([currencyCode, micros]) => ({ amountMicros: String(micros), currencyCode }));
}

const currencyOf = (deal: Rec): string | null => (deal.amount?.currencyCode ? deal.amount.currencyCode : null);
const microsOf = (deal: Rec): bigint | null => (deal.amount?.amountMicros == null ? null : BigInt(deal.amount.amountMicros));

function add(into: Amounts, currency: string | null, micros: bigint) {
  into.set(currency, (into.get(currency) ?? 0n) + micros);
}

/** A probability as numerator/denominator of its decimal writing. */
export type Probability = [bigint, bigint];
export function probabilityOf(p: number): Probability {
  const [whole, fraction = ''] = String(p).split('.');
  return [BigInt(whole + fraction), 10n ** BigInt(fraction.length)];
}

export interface StageSetup {
  /** Stage values in position order. */
  stages: string[];
  won: string[];
  /** Explicit probabilities; others from position. */
  given?: Record<string, number>;
}

/** Won: 1; k-th of M open stages: k/(M+1); explicit ones as given; unknown values 0. */
export function probabilities(setup: StageSetup): (stage: string) => Probability {
  const open = setup.stages.filter((s) => !setup.won.includes(s));
  return (stage) => {
    if (setup.given && stage in setup.given) return probabilityOf(setup.given[stage]);
    if (setup.won.includes(stage)) return [1n, 1n];
    const k = open.indexOf(stage);
    return k < 0 ? [0n, 1n] : [BigInt(k + 1), BigInt(open.length + 1)];
  };
}

export function refPipeline(deals: Rec[], setup: StageSetup, weighIn: (stage: string) => boolean = () => true) {
  const p = probabilities(setup);
  const seen = [...new Set(deals.map((d) => d.stage ?? ''))].filter((s) => !setup.stages.includes(s)).sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1));
  const totals: Amounts = new Map();
  const weightedTotals: Amounts = new Map();
  const won: Amounts = new Map();
  const stages = [...setup.stages, ...seen].map((stage) => {
    const inStage = deals.filter((d) => (d.stage ?? '') === stage);
    const sums: Amounts = new Map();
    const counts = new Map<string | null, bigint>();
    for (const deal of inStage) {
      const micros = microsOf(deal);
      if (micros === null) continue;
      add(sums, currencyOf(deal), micros);
      add(counts, currencyOf(deal), 1n);
    }
    const [num, den] = p(stage);
    const weighted: Amounts = new Map([...sums].map(([c, m]) => [c, div(m * num, den)]));
    for (const [c, m] of sums) add(totals, c, m);
    if (weighIn(stage)) for (const [c, m] of weighted) add(weightedTotals, c, m);
    if (setup.won.includes(stage)) for (const [c, m] of sums) add(won, c, m);
    return {
      stage,
      count: inStage.length,
      totals: moneyOf(sums),
      averages: moneyOf(new Map([...sums].map(([c, m]) => [c, div(m, counts.get(c)!)]))),
      weightedTotals: moneyOf(weighted),
      probability: Number(num) / Number(den),
    };
  });
  return { count: deals.length, totals: moneyOf(totals), weightedTotals: moneyOf(weightedTotals), won: moneyOf(won), stages };
}

/** The GraphQL selection whose answer `refPipeline` gives (minus `won`). */
export const PIPELINE_FIELDS = `count totals { amountMicros currencyCode } weightedTotals { amountMicros currencyCode }
  stages { stage count totals { amountMicros currencyCode } averages { amountMicros currencyCode } weightedTotals { amountMicros currencyCode } probability }`;

export function pipelineAnswer(deals: Rec[], setup: StageSetup) {
  const { won: _won, ...rest } = refPipeline(deals, setup);
  return rest;
}

/** First day of the UTC month/quarter/year/ISO week holding an ISO date-time. */
export function bucket(iso: string, granularity: 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'): string {
  const y = iso.slice(0, 4);
  const m = Number(iso.slice(5, 7));
  if (granularity === 'DAY') return iso.slice(0, 10);
  if (granularity === 'MONTH') return `${iso.slice(0, 7)}-01`;
  if (granularity === 'QUARTER') return `${y}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
  if (granularity === 'YEAR') return `${y}-01-01`;
  const day = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

function nextStart(start: string, granularity: 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'): string {
  const t = new Date(`${start}T00:00:00Z`);
  if (granularity === 'DAY') t.setUTCDate(t.getUTCDate() + 1);
  else if (granularity === 'WEEK') t.setUTCDate(t.getUTCDate() + 7);
  else if (granularity === 'MONTH') t.setUTCMonth(t.getUTCMonth() + 1);
  else if (granularity === 'QUARTER') t.setUTCMonth(t.getUTCMonth() + 3);
  else t.setUTCFullYear(t.getUTCFullYear() + 1);
  return t.toISOString().slice(0, 10);
}

/** The forecast from `from` to `to` (days), periods cut at both ends. */
export function refForecast(deals: Rec[], setup: StageSetup, from: string, to: string, granularity: 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR' = 'MONTH') {
  const periods = [];
  for (let start = bucket(`${from}T00:00:00Z`, granularity); start < to; start = nextStart(start, granularity)) {
    const end = nextStart(start, granularity);
    const inPeriod = deals.filter((d) => d.closeDate && d.closeDate >= `${from}T00:00:00.000Z` && d.closeDate < `${to}T00:00:00.000Z` && bucket(d.closeDate, granularity) === start);
    const { count, totals, weightedTotals, won, stages } = refPipeline(inPeriod, setup, (stage) => !setup.won.includes(stage));
    periods.push({ start: start < from ? from : start, end: end > to ? to : end, count, totals, weightedTotals, won, stages });
  }
  return { periods };
}

export const FORECAST_FIELDS = `periods { start end count totals { amountMicros currencyCode } weightedTotals { amountMicros currencyCode }
  won { amountMicros currencyCode } stages { stage count totals { amountMicros currencyCode } averages { amountMicros currencyCode } weightedTotals { amountMicros currencyCode } probability } }`;

/**
 * Groups of `records` by `keyOf`, with count and the sum per currency of `money` (and per number
 * field), as `AggregateGroup { key count sums { field money { amountMicros currencyCode } number } }`,
 * biggest first unless `chronological` (then by key).
 */
export function refGroups(records: Rec[], keyOf: (r: Rec) => Array<string | null>, money: string[], numbers: string[], chronological = false) {
  const groups = new Map<string, { key: Array<string | null>; records: Rec[] }>();
  for (const record of records) {
    const key = keyOf(record);
    const id = JSON.stringify(key);
    if (!groups.has(id)) groups.set(id, { key, records: [] });
    groups.get(id)!.records.push(record);
  }
  const byKey = (a: Array<string | null>, b: Array<string | null>) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (a[i] === null) return 1;
      if (b[i] === null) return -1;
      return a[i]! < b[i]! ? -1 : 1;
    }
    return 0;
  };
  return [...groups.values()]
    .sort((a, b) => (chronological ? 0 : b.records.length - a.records.length) || byKey(a.key, b.key))
    .map(({ key, records: members }) => ({
      key,
      count: members.length,
      sums: [
        ...money.flatMap((field) => {
          const sums: Amounts = new Map();
          for (const r of members) if (r[field]?.amountMicros != null) add(sums, r[field].currencyCode || null, BigInt(r[field].amountMicros));
          return moneyOf(sums).map((m) => ({ field, money: m, number: null }));
        }),
        ...numbers.flatMap((field) => {
          const values = members.map((r) => r[field]).filter((v) => typeof v === 'number');
          return values.length === 0 ? [] : [{ field, money: null, number: values.reduce((s, v) => s + v, 0) }];
        }),
      ],
    }));
}

export const GROUP_FIELDS = 'key count sums { field money { amountMicros currencyCode } number }';
