/**
 * The BFF's one date grammar (ISO 8601 as Twenty's DATE and DATE_TIME fields take it), for the
 * `Date`/`DateTime` scalars and for filter values alike. `Date.parse` is not enough: it rolls an
 * impossible day over (`2024-02-30` becomes March 1) and reads a time without offset as the
 * server's local time. Here every part is range-checked and a missing offset means UTC.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Milliseconds since the epoch of `YYYY-MM-DD` or `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:MM]]`,
 * or undefined when the text is not one or names a day, hour or offset that does not exist.
 */
export function parseIsoDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z') {
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const extra = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offsetHours > 23 || extra > 59) return undefined;
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (offsetHours * 60 + extra);
  }
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const utc = new Date(0);
  // setUTCFullYear keeps years 0–99 as written (Date.UTC would read them as 1900–1999).
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** A calendar day `YYYY-MM-DD` that exists. */
export function isIsoDate(text: unknown): text is string {
  return typeof text === 'string' && text.length === 10 && parseIsoDateTime(text) !== undefined;
}
