/**
 * Date buckets of `group_by` (twenty-rest.md §7), as Twenty's `getGroupByExpression` computes
 * them in Postgres: DAY/WEEK/MONTH/QUARTER/YEAR are `TO_CHAR(DATE_TRUNC(g, value, tz) AT TIME
 * ZONE tz, 'YYYY-MM-DD')`, the first day of the period in the given time zone (weeks start on
 * Monday unless `weekStartDay` says SUNDAY or SATURDAY); DAY_OF_THE_WEEK and MONTH_OF_THE_YEAR
 * are English names (Twenty translates them), QUARTER_OF_THE_YEAR is `Q1`…`Q4`, NONE the value.
 */
import { badRequest } from './http-error.js';

export const GRANULARITIES = [
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
  'DAY_OF_THE_WEEK',
  'MONTH_OF_THE_YEAR',
  'QUARTER_OF_THE_YEAR',
  'NONE',
] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The granularities Twenty refuses without a time zone (GROUP_BY_DATE_GRANULARITY_THAT_REQUIRE_TIME_ZONE). */
const NEED_TIME_ZONE = new Set<Granularity>(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
const WEEK_STARTS: Record<string, number> = { MONDAY: 1, SUNDAY: 0, SATURDAY: 6 };
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface DateGrouping {
  granularity: Granularity;
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekStart: number;
}

/** Reads one date `group_by` spec (`{"granularity":"MONTH","timeZone":"UTC"}`); 400 as Twenty answers. */
export function parseDateGrouping(spec: Record<string, unknown>): DateGrouping {
  const granularity = spec.granularity;
  if (typeof granularity !== 'string' || !(GRANULARITIES as readonly string[]).includes(granularity)) {
    throw badRequest(`Invalid granularity '${String(granularity)}'. Allowed values: ${GRANULARITIES.join(', ')}`);
  }
  const timeZone = typeof spec.timeZone === 'string' && spec.timeZone !== '' ? spec.timeZone : undefined;
  if (NEED_TIME_ZONE.has(granularity as Granularity) && timeZone === undefined) {
    throw badRequest('Time zone should be specified for a group by date on Day, Week, Month, Quarter or Year');
  }
  const zone = timeZone ?? 'UTC';
  try {
    formatter(zone);
  } catch {
    throw badRequest(`time zone "${zone}" not recognized`);
  }
  const weekStartDay = spec.weekStartDay === undefined ? 'MONDAY' : String(spec.weekStartDay);
  if (!(weekStartDay in WEEK_STARTS)) throw badRequest(`Invalid weekStartDay '${weekStartDay}'. Allowed values: MONDAY, SUNDAY, SATURDAY`);
  return { granularity: granularity as Granularity, timeZone: zone, weekStart: WEEK_STARTS[weekStartDay] };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar day of an instant in a time zone. */
function localDay(iso: string, timeZone: string): { y: number; m: number; d: number } {
  const parts = formatter(timeZone).formatToParts(new Date(iso));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** The bucket of a stored ISO date-time, or null for no date. Registered as an SQLite function. */
export function dateBucket(value: unknown, granularity: string, timeZone: string, weekStart: number): string | null {
  if (value === null || value === undefined) return null;
  const iso = String(value);
  if (granularity === 'NONE') return iso;
  const { y, m, d } = localDay(iso, timeZone);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  switch (granularity) {
    case 'DAY':
      return ymd(y, m, d);
    case 'WEEK': {
      const back = (weekday - weekStart + 7) % 7;
      const start = new Date(Date.UTC(y, m - 1, d - back));
      return ymd(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate());
    }
    case 'MONTH':
      return ymd(y, m, 1);
    case 'QUARTER':
      return ymd(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
    case 'YEAR':
      return ymd(y, 1, 1);
    case 'DAY_OF_THE_WEEK':
      return DAY_NAMES[weekday];
    case 'MONTH_OF_THE_YEAR':
      return MONTH_NAMES[m - 1];
    case 'QUARTER_OF_THE_YEAR':
      return `Q${Math.floor((m - 1) / 3) + 1}`;
  }
  throw new Error(`unknown granularity ${granularity}`);
}
