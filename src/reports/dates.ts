/**
 * Calendar periods in UTC, the way Twenty's groupBy buckets a date-time with `timeZone: "UTC"`
 * (§7: the period's first day as `YYYY-MM-DD`; weeks start on Monday), so that records bucketed
 * here and groups bucketed by Twenty land on the same keys.
 */
export type Granularity = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const ymd = (date: Date) => `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const parseDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return utc(y, m - 1, d);
};

/** The first day of the period holding `instant` (an ISO date-time, or a `YYYY-MM-DD` day). */
export function periodStart(instant: string | Date, granularity: Granularity): string {
  const t = typeof instant === 'string' ? new Date(instant) : instant;
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  switch (granularity) {
    case 'DAY':
      return ymd(utc(y, m, t.getUTCDate()));
    case 'WEEK':
      return ymd(utc(y, m, t.getUTCDate() - ((t.getUTCDay() + 6) % 7)));
    case 'MONTH':
      return ymd(utc(y, m, 1));
    case 'QUARTER':
      return ymd(utc(y, m - (m % 3), 1));
    case 'YEAR':
      return ymd(utc(y, 0, 1));
  }
}

/** The first day of the period after the one starting on `start`. */
export function nextPeriod(start: string, granularity: Granularity): string {
  const t = parseDay(start);
  const [y, m, d] = [t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()];
  switch (granularity) {
    case 'DAY':
      return ymd(utc(y, m, d + 1));
    case 'WEEK':
      return ymd(utc(y, m, d + 7));
    case 'MONTH':
      return ymd(utc(y, m + 1, 1));
    case 'QUARTER':
      return ymd(utc(y, m + 3, 1));
    case 'YEAR':
      return ymd(utc(y + 1, 0, 1));
  }
}

/** Period starts (`YYYY-MM-DD`) covering the days `from` (inclusive) to `to` (exclusive). */
export function periodStarts(from: string, to: string, granularity: Granularity): string[] {
  const starts: string[] = [];
  for (let start = periodStart(from, granularity); start < to; start = nextPeriod(start, granularity)) starts.push(start);
  return starts;
}

/** How many periods `periodStarts` would list, without listing them past `limit`. */
export function countPeriods(from: string, to: string, granularity: Granularity, limit: number): number {
  let count = 0;
  for (let start = periodStart(from, granularity); start < to && count <= limit; start = nextPeriod(start, granularity)) count++;
  return count;
}

/** A period for display: `2026-03-16`, `2026-W12`, `2026-03`, `2026-Q1`, `2026`. */
export function periodLabel(start: string, granularity: Granularity): string {
  const t = parseDay(start);
  switch (granularity) {
    case 'DAY':
      return start;
    case 'WEEK': {
      // ISO 8601: a week belongs to the year of its Thursday; week 1 holds January 4th.
      const thursday = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 3 - ((t.getUTCDay() + 6) % 7));
      const jan4 = utc(thursday.getUTCFullYear(), 0, 4);
      const firstThursday = utc(jan4.getUTCFullYear(), 0, 4 + 3 - ((jan4.getUTCDay() + 6) % 7));
      const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
      return `${thursday.getUTCFullYear()}-W${pad(week)}`;
    }
    case 'MONTH':
      return start.slice(0, 7);
    case 'QUARTER':
      return `${start.slice(0, 4)}-Q${Math.floor(t.getUTCMonth() / 3) + 1}`;
    case 'YEAR':
      return start.slice(0, 4);
  }
}

/** Midnight UTC of a `YYYY-MM-DD` day, as the ISO date-time a filter compares with. */
export const dayStart = (day: string): string => `${day}T00:00:00.000Z`;
