/**
 * Exact money arithmetic for reports: micros are big integers from end to end (never a float,
 * never past 2^53 wrong), one amount per currency, never mixed. Divisions (averages, weights by
 * probability) round once, to the micro, half away from zero.
 */
import type { CompositeValue } from '../resolvers/composite.js';
import { compareValues } from './order.js';

/** Amounts by currency code; `null` is a value without a currency code (Twenty's `''`). */
export type ByCurrency = Map<string | null, bigint>;

/** `a / b` rounded half away from zero; `b` must not be 0. */
export function roundDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('roundDiv by zero');
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  let q = x / y;
  if ((x % y) * 2n >= y) q += 1n;
  return negative ? -q : q;
}

/** An exact decimal, read from JSON that holds it as a number or a string (`"4200000000"`, `"3.25"`, `1e21`). */
export function parseDecimal(value: unknown): { digits: bigint; scale: number } | null {
  if (value === null || value === undefined || value === '') return null;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'bigint' ? value.toString() : String(value);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = match[3] ?? '';
  let digits = BigInt(`${match[2]}${fraction}` || '0');
  let scale = fraction.length - Number(match[4] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: match[1] === '-' ? -digits : digits, scale };
}

/** An integer amount (micros, a count) from JSON; null when absent or not an integer. */
export function parseInteger(value: unknown): bigint | null {
  const decimal = parseDecimal(value);
  if (!decimal) return null;
  const factor = 10n ** BigInt(decimal.scale);
  return decimal.digits % factor === 0n ? decimal.digits / factor : null;
}

/**
 * How many amounts were averaged, from their exact sum and the average Twenty computed
 * (`avg…AmountMicros`, a decimal with at least 16 significant digits, §7): their quotient is
 * that count to well within one half for any realistic number of records. Only called with a
 * sum that is not 0.
 */
export function countFromAverage(sum: bigint, average: { digits: bigint; scale: number }): bigint {
  // sum / (digits / 10^scale) = sum · 10^scale / digits
  return roundDiv(sum * 10n ** BigInt(average.scale), average.digits);
}

/** A probability as an exact fraction of the decimal it is written as (0.1 is 1/10, not a binary float). */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

export function toFraction(probability: number): Fraction {
  const decimal = parseDecimal(probability);
  if (!decimal) throw new RangeError(`not a probability: ${probability}`);
  return { numerator: decimal.digits, denominator: 10n ** BigInt(decimal.scale) };
}

/** `micros × probability`, rounded to the micro. */
export const weigh = (micros: bigint, p: Fraction): bigint => roundDiv(micros * p.numerator, p.denominator);

/** Adds `amount` to the `currency` entry of `into`. */
export function addTo(into: ByCurrency, currency: string | null, amount: bigint): void {
  into.set(currency, (into.get(currency) ?? 0n) + amount);
}

/** GraphQL `Money` values, one per currency, ordered by currency code (an amount without a code last). */
export function moneyList(amounts: ByCurrency): CompositeValue[] {
  return [...amounts.entries()]
    .sort(([a], [b]) => compareValues(a, b))
    .map(([currencyCode, micros]) => ({ amountMicros: micros.toString(), currencyCode }));
}
