import { BadUserInputError } from '../../errors.js';

/** `MoneyInput` as resolvers receive it (BigInt may arrive as string, bigint or number). */
export interface MoneyInputValue {
  amountMicros?: unknown;
  amount?: number | null;
  currencyCode?: string | null;
}

/**
 * CURRENCY composite (§10) → Twenty's `{ amountMicros, currencyCode }`. `amount` is in units and
 * is converted to micros; giving both is allowed only when they agree, so a caller cannot send
 * two different amounts and have one silently win. Only the sub-fields given are sent, so an
 * update of `currencyCode` alone leaves the amount as it is.
 */
export function toTwentyMoney(input: MoneyInputValue, field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const micros = input.amountMicros === undefined ? undefined : parseMicros(input.amountMicros, field);
  const fromAmount = input.amount === undefined || input.amount === null ? input.amount : amountToMicros(input.amount, field);
  if (micros !== undefined && fromAmount !== undefined && String(micros) !== String(fromAmount)) {
    throw new BadUserInputError(
      `${field}: amount (${input.amount}) and amountMicros (${String(input.amountMicros)}) disagree; give one of them.`,
      { field },
    );
  }
  const value = micros !== undefined ? micros : fromAmount;
  if (value !== undefined) out.amountMicros = value;
  if (input.currencyCode !== undefined) out.currencyCode = input.currencyCode;
  return out;
}

/** Micros as a JSON number while exact, as a decimal string beyond 2^53 (Twenty stores NUMERIC). */
function parseMicros(raw: unknown, field: string): number | string | null {
  if (raw === null) return null;
  let big: bigint;
  try {
    // BigInt('') is 0n and BigInt(' 1 ') is 1n: accept only plain integer text.
    if (typeof raw === 'number' && !Number.isInteger(raw)) throw new RangeError();
    if (typeof raw === 'string' && !/^-?\d+$/.test(raw)) throw new RangeError();
    big = BigInt(raw as string | number | bigint);
  } catch {
    throw new BadUserInputError(`${field}.amountMicros must be an integer, got ${JSON.stringify(String(raw))}.`, { field });
  }
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

function amountToMicros(amount: number, field: string): number {
  const micros = Math.round(amount * 1_000_000);
  if (!Number.isFinite(amount) || !Number.isSafeInteger(micros)) {
    throw new BadUserInputError(`${field}.amount ${amount} is out of range.`, { field });
  }
  return micros;
}
