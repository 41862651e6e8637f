import type { FullNameResolvers, MoneyResolvers } from '../generated/graphql.js';

/** A composite field's value as Twenty returns it inside a record (`{ amountMicros, currencyCode }`, §10). */
export type CompositeValue = Record<string, unknown>;

const MICROS_PER_UNIT = 1_000_000;

export const Money: MoneyResolvers = {
  // Twenty sends micros as a number or, past 2^53, a string (§7); display precision is enough here.
  amount: (money) => {
    const micros = money.amountMicros;
    if (micros === null || micros === undefined || micros === '') return null;
    const value = Number(micros) / MICROS_PER_UNIT;
    return Number.isFinite(value) ? value : null;
  },
  amountMicros: (money) => {
    const micros = money.amountMicros;
    return typeof micros === 'number' || typeof micros === 'string' || typeof micros === 'bigint' ? micros : null;
  },
};

export const FullName: FullNameResolvers = {
  displayName: (name) =>
    [name.firstName, name.lastName]
      .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
      .map((part) => part.trim())
      .join(' '),
};
