/**
 * The input mapper on its own: what body a GraphQL input becomes, and which inputs it refuses
 * before any REST call. The HTTP-level tests (mutations.test.ts) cover the same paths end to end;
 * these pin the edge cases that are tedious to reach through a server.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/errors.js';
import { mapInput, type OptionsLookup } from '../../src/resolvers/mutations/input.js';
import { toTwentyMoney } from '../../src/resolvers/mutations/money.js';
import { COMPANY, NOTE, OPPORTUNITY, PERSON } from '../../src/resolvers/mutations/objects.js';

const STAGES = ['NEW', 'SCREENING', 'MEETING'];
const lookups: string[] = [];
const options: OptionsLookup = async (singular, field) => {
  lookups.push(`${singular}.${field}`);
  return singular === 'opportunity' && field === 'stage'
    ? STAGES.map((value, position) => ({ value, label: value, color: null, position }))
    : [];
};

describe('mapInput', () => {
  it('sends Twenty field names unchanged, composites with only the sub-fields given', async () => {
    const { body } = await mapInput(PERSON, { name: { firstName: 'Ada' }, jobTitle: null, city: 'Oslo' }, 'update', options);
    expect(body).toEqual({ name: { firstName: 'Ada' }, jobTitle: null, city: 'Oslo' });
  });

  it('merges customFields into the body beside the typed fields', async () => {
    const { body } = await mapInput(COMPANY, { name: 'Acme', customFields: { tier: 'gold', score: 3 } }, 'create', options);
    expect(body).toEqual({ name: 'Acme', tier: 'gold', score: 3 });
  });

  it('keeps a client-chosen id on create', async () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect((await mapInput(NOTE, { id, title: 't' }, 'create', options)).body).toEqual({ id, title: 't' });
  });

  it('reads the options only when a SELECT field is given, and only after the other checks', async () => {
    lookups.length = 0;
    await mapInput(OPPORTUNITY, { name: 'x' }, 'create', options);
    expect(lookups).toEqual([]);
    await expect(mapInput(OPPORTUNITY, { stage: 'NEW', companyId: 'bad' }, 'create', options)).rejects.toThrow(/companyId/);
    expect(lookups).toEqual([]);
    await mapInput(OPPORTUNITY, { stage: 'MEETING' }, 'update', options);
    expect(lookups).toEqual(['opportunity.stage']);
  });

  it('lets a null stage through to Twenty (clearing is Twenty’s call) but refuses an unknown one', async () => {
    expect((await mapInput(OPPORTUNITY, { stage: null }, 'update', options)).body).toEqual({ stage: null });
    const error = await mapInput(OPPORTUNITY, { stage: 'WON' }, 'update', options).catch((e) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect(error.details).toEqual({ field: 'stage', allowedValues: STAGES });
  });

  it('refuses an update whose only content is an empty customFields', async () => {
    await expect(mapInput(COMPANY, { customFields: {} }, 'update', options)).rejects.toThrow(/at least one field/);
  });
});

describe('toTwentyMoney', () => {
  it('converts units to micros for any amount with at most six decimals', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (micros) => {
        const amount = Number(micros) / 1_000_000;
        expect(toTwentyMoney({ amount }, 'amount')).toEqual({ amountMicros: Number(micros) });
      }),
    );
  });

  it('keeps micros beyond 2^53 exact by sending them as a decimal string', () => {
    expect(toTwentyMoney({ amountMicros: '123456789012345678901' }, 'amount')).toEqual({ amountMicros: '123456789012345678901' });
    expect(toTwentyMoney({ amountMicros: '42', currencyCode: 'EUR' }, 'amount')).toEqual({ amountMicros: 42, currencyCode: 'EUR' });
  });

  it('refuses micros that are not integer text', () => {
    for (const bad of ['', ' 1', '1.5', '1e3', '0x10']) {
      expect(() => toTwentyMoney({ amountMicros: bad }, 'amount'), bad).toThrow(BadUserInputError);
    }
  });

  it('accepts amount and amountMicros together only when they agree', () => {
    expect(toTwentyMoney({ amount: 1.5, amountMicros: '1500000' }, 'amount')).toEqual({ amountMicros: 1_500_000 });
    expect(() => toTwentyMoney({ amount: 1.5, amountMicros: '1500001' }, 'amount')).toThrow(/disagree/);
  });

  it('sends null to clear the amount, and leaves it alone when only the currency changes', () => {
    expect(toTwentyMoney({ amountMicros: null }, 'amount')).toEqual({ amountMicros: null });
    expect(toTwentyMoney({ amount: null }, 'amount')).toEqual({ amountMicros: null });
    expect(toTwentyMoney({ currencyCode: 'USD' }, 'amount')).toEqual({ currencyCode: 'USD' });
  });
});
