/**
 * Values that used to change on their way through: big amounts printed in exponent form, and
 * impossible dates rolled over to the next month. One date grammar decides (src/twenty/dates.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigIntScalar } from '../../src/resolvers/scalars.js';
import { parseIsoDateTime } from '../../src/twenty/dates.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 3 } });
});
afterAll(() => stack?.close());

describe('BigInt', () => {
  const HUGE = '999999999999999999999999999999';

  it('keeps a 30-digit amountMicros exact through a create, a read and a later update', async () => {
    const created = await stack.query(
      `mutation($micros: BigInt!) { createOpportunity(input: { name: "Huge", amount: { amountMicros: $micros, currencyCode: "USD" } }) { id amount { amountMicros } } }`,
      { micros: HUGE },
    );
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createOpportunity.amount.amountMicros).toBe(HUGE);
    const id = created.body.data.createOpportunity.id;
    const updated = await stack.query(`mutation($id: ID!) { updateOpportunity(id: $id, input: { name: "Still huge" }) { amount { amountMicros } } }`, { id });
    expect(updated.body.data.updateOpportunity.amount.amountMicros).toBe(HUGE);
    const read = await stack.query(`query($id: ID!) { opportunity(id: $id) { amount { amountMicros } } }`, { id });
    expect(read.body.data.opportunity.amount.amountMicros).toBe(HUGE);
  });

  it('never prints a number from upstream in exponent form', () => {
    expect(BigIntScalar.serialize(1e30)).toBe(BigInt(1e30).toString());
    expect(BigIntScalar.serialize(1e30)).not.toMatch(/e/i);
    expect(BigIntScalar.serialize(12_000_000)).toBe('12000000');
  });
});

describe('dates', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2024-03-01T01:30:00+02:00', '2024-02-29T23:30:00.000Z'],
    ['2024-03-01 12:00', '2024-03-01T12:00:00.000Z'],
    ['2024-03-01T12:00:00.123456Z', '2024-03-01T12:00:00.123Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseIsoDateTime(text)!).toISOString()).toBe(iso);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '2024-01-01T10:00:00+25:00', '2024-1-1', 'tomorrow'])(
    'refuses %s',
    (text) => {
      expect(parseIsoDateTime(text)).toBeUndefined();
    },
  );

  it('refuses an impossible date with BAD_USER_INPUT before any REST call, as a literal, a variable or a filter', async () => {
    stack.resetCalls();
    const literal = await stack.query(`mutation { createOpportunity(input: { name: "Leap", closeDate: "2024-02-30" }) { id } }`);
    const variable = await stack.query(`mutation($d: DateTime) { createOpportunity(input: { name: "Leap", closeDate: $d }) { id } }`, { d: '2024-02-30' });
    const filter = await stack.query(`{ opportunities(filter: { closeDate: { gte: "2023-02-29T00:00:00Z" } }) { totalCount } }`);
    for (const { body } of [literal, variable, filter]) {
      expect(body.errors?.[0].extensions?.code, JSON.stringify(body)).toBe('BAD_USER_INPUT');
      expect(body.data?.createOpportunity ?? null).toBeNull();
    }
    // No call but the workspace metadata (the stage options a create checks its input against).
    expect(stack.restCalls().filter((call) => !String(call.path).includes('/metadata/'))).toEqual([]);
  });

  it('stores a real leap day as it was given', async () => {
    const { body } = await stack.query(`mutation { createOpportunity(input: { name: "Leap", closeDate: "2024-02-29T10:00:00.000Z" }) { closeDate } }`);
    expect(body.data.createOpportunity.closeDate).toBe('2024-02-29T10:00:00.000Z');
  });
});
