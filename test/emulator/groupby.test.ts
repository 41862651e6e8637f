// Conformance: twenty-rest.md §7 (groupBy: bare array, aggregates, granularity, limit, filter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMany, expectBadRequest, fetchAll, qs, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

let em: Emulator;
let opportunities: Rec[];

beforeAll(async () => {
  em = await startTestEmulator({ companies: 40 });
  // An opportunity with neither amount nor close date, so "empty" counts are not all zero.
  await createMany(em, 'opportunities', [{ name: 'GroupBy Empty', stage: 'NEW' }]);
  opportunities = await fetchAll(em, 'opportunities');
});
afterAll(() => em?.close());

async function groupBy(params: Record<string, unknown>): Promise<Rec[]> {
  const query: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) query[k] = typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v);
  const res = await rest(em, `/rest/opportunities/groupBy${qs(query)}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

const micros = (o: Rec): bigint | null =>
  o.amount?.amountMicros === null || o.amount?.amountMicros === undefined ? null : BigInt(String(o.amount.amountMicros));

function byStage(records: Rec[]): Map<string, Rec[]> {
  const m = new Map<string, Rec[]>();
  for (const o of records) m.set(o.stage, [...(m.get(o.stage) ?? []), o]);
  return m;
}

/** Groups keyed by their single dimension value. */
function keyed(groups: Rec[]): Map<string, Rec> {
  return new Map(groups.map((g) => [String(g.groupByDimensionValues[0]), g]));
}

describe('§7 groupBy', () => {
  it('returns a bare array with groupByDimensionValues, totalCount and sumAmountAmountMicros per stage', async () => {
    const groups = await groupBy({ group_by: [{ stage: true }], aggregate: ['sumAmountAmountMicros', 'totalCount'] });
    expect(Array.isArray(groups)).toBe(true);
    const expected = byStage(opportunities);
    const got = keyed(groups);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [stage, records] of expected) {
      const g = got.get(stage)!;
      expect(g.groupByDimensionValues).toEqual([stage]);
      expect(g.totalCount, stage).toBe(records.length);
      const sum = records.reduce((s, o) => s + (micros(o) ?? 0n), 0n);
      expect(typeof g.sumAmountAmountMicros, stage).toBe('string');
      expect(BigInt(g.sumAmountAmountMicros), stage).toBe(sum);
    }
  });

  it('has every standard stage in the demo data', async () => {
    const groups = await groupBy({ group_by: [{ stage: true }], aggregate: ['totalCount'] });
    expect([...keyed(groups).keys()].sort()).toEqual(['CUSTOMER', 'MEETING', 'NEW', 'PROPOSAL', 'SCREENING']);
  });

  it('computes avg, min and max of a currency amount', async () => {
    const groups = await groupBy({
      group_by: [{ stage: true }],
      aggregate: ['avgAmountAmountMicros', 'minAmountAmountMicros', 'maxAmountAmountMicros'],
    });
    const got = keyed(groups);
    for (const [stage, records] of byStage(opportunities)) {
      const values = records.map(micros).filter((v): v is bigint => v !== null).map(Number);
      const g = got.get(stage)!;
      const avg = values.reduce((s, v) => s + v, 0) / values.length;
      // Postgres' numeric division: a decimal string with at least 16 significant digits.
      expect(g.avgAmountAmountMicros, stage).toMatch(/^-?\d+(\.\d+)?$/);
      expect(g.avgAmountAmountMicros.replace(/^-?0*|\./g, '').length, stage).toBeGreaterThanOrEqual(16);
      expect(Math.abs(Number(g.avgAmountAmountMicros) - avg) / avg, stage).toBeLessThan(1e-9);
      expect(Number(g.minAmountAmountMicros), stage).toBe(Math.min(...values));
      expect(Number(g.maxAmountAmountMicros), stage).toBe(Math.max(...values));
    }
  });

  it('computes countEmpty, countNotEmpty and countUniqueValues', async () => {
    const groups = await groupBy({
      group_by: [{ stage: true }],
      aggregate: ['countEmptyCloseDate', 'countNotEmptyCloseDate', 'countUniqueValuesName', 'totalCount'],
    });
    const got = keyed(groups);
    let sawEmpty = false;
    for (const [stage, records] of byStage(opportunities)) {
      const g = got.get(stage)!;
      const empty = records.filter((o) => !o.closeDate).length;
      sawEmpty ||= empty > 0;
      expect(Number(g.countEmptyCloseDate), stage).toBe(empty);
      expect(Number(g.countNotEmptyCloseDate), stage).toBe(records.length - empty);
      const unique = new Set(records.map((o) => o.name).filter((v) => v !== null)).size;
      expect(Number(g.countUniqueValuesName), stage).toBe(unique);
    }
    expect(sawEmpty).toBe(true);
  });

  it('counts a composite as empty only when all its aggregated sub-fields are (Twenty concatenates them)', async () => {
    const groups = await groupBy({ group_by: [{ stage: true }], aggregate: ['countNotEmptyAmount', 'countEmptyAmount', 'totalCount'] });
    const got = keyed(groups);
    for (const [stage, records] of byStage(opportunities)) {
      const filled = records.filter((o) => o.amount?.amountMicros != null || (o.amount?.currencyCode ?? '') !== '').length;
      expect(got.get(stage)!.countNotEmptyAmount, stage).toBe(filled);
      expect(got.get(stage)!.countEmptyAmount, stage).toBe(records.length - filled);
    }
  });

  it('refuses aggregate names Twenty does not have, such as a count on one sub-field', async () => {
    for (const aggregate of ['countNotEmptyAmountAmountMicros', 'sumName', 'sumPosition2']) {
      expectBadRequest(await rest(em, `/rest/opportunities/groupBy${qs({ group_by: '[{"stage":true}]', aggregate: JSON.stringify([aggregate]) })}`));
    }
  });

  it('needs a time zone for a date granularity from DAY to YEAR, as Twenty does', async () => {
    const group_by = JSON.stringify([{ closeDate: { granularity: 'MONTH' } }]);
    expectBadRequest(await rest(em, `/rest/opportunities/groupBy${qs({ group_by, aggregate: '["totalCount"]' })}`));
    const unknownZone = JSON.stringify([{ closeDate: { granularity: 'MONTH', timeZone: 'Mars/Olympus' } }]);
    expectBadRequest(await rest(em, `/rest/opportunities/groupBy${qs({ group_by: unknownZone, aggregate: '["totalCount"]' })}`));
  });

  it('buckets dates in the time zone asked for, weeks from Monday', async () => {
    const [late] = await createMany(em, 'opportunities', [{ name: 'GroupBy TZ', stage: 'NEW', closeDate: '2031-03-31T23:30:00.000Z' }]);
    const bucket = async (granularity: string, timeZone: string, extra: Record<string, unknown> = {}) => {
      const groups = await groupBy({
        group_by: [{ closeDate: { granularity, timeZone, ...extra } }],
        aggregate: ['totalCount'],
        filter: `id[eq]:${late.id}`,
      });
      return groups[0].groupByDimensionValues[0];
    };
    expect(await bucket('MONTH', 'UTC')).toBe('2031-03-01');
    expect(await bucket('MONTH', 'Europe/Paris')).toBe('2031-04-01');
    expect(await bucket('QUARTER', 'Europe/Paris')).toBe('2031-04-01');
    expect(await bucket('DAY', 'America/New_York')).toBe('2031-03-31');
    // 2031-03-31 is a Monday.
    expect(await bucket('WEEK', 'UTC')).toBe('2031-03-31');
    expect(await bucket('WEEK', 'UTC', { weekStartDay: 'SUNDAY' })).toBe('2031-03-30');
    expect(await bucket('YEAR', 'UTC')).toBe('2031-01-01');
    expect(await bucket('DAY_OF_THE_WEEK', 'UTC')).toBe('Monday');
    expect(await bucket('QUARTER_OF_THE_YEAR', 'UTC')).toBe('Q1');
    expect((await rest(em, `/rest/opportunities/${late.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('groups dates by MONTH granularity', async () => {
    const groups = await groupBy({ group_by: [{ closeDate: { granularity: 'MONTH', timeZone: 'UTC' } }], aggregate: ['totalCount'], limit: 200 });
    const expected = new Map<string, number>();
    for (const o of opportunities) {
      const key = o.closeDate ? new Date(o.closeDate).toISOString().slice(0, 7) : 'null';
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    for (const g of groups) {
      const v = g.groupByDimensionValues[0];
      const key = v === null ? 'null' : String(v).slice(0, 7);
      got.set(key, (got.get(key) ?? 0) + g.totalCount);
    }
    expect(groups.length).toBe(expected.size);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
  });

  it('limit counts groups', async () => {
    const groups = await groupBy({ group_by: [{ stage: true }], aggregate: ['totalCount'], limit: 2 });
    expect(groups.length).toBe(2);
  });

  it('returns at most 50 groups by default, and for limit=0', async () => {
    const distinctNames = new Set(opportunities.map((o) => o.name)).size;
    expect(distinctNames).toBeGreaterThan(50);
    expect(await groupBy({ group_by: [{ name: true }], aggregate: ['totalCount'] })).toHaveLength(50);
    expect(await groupBy({ group_by: [{ name: true }], aggregate: ['totalCount'], limit: 0 })).toHaveLength(50);
  });

  it('applies the filter before grouping', async () => {
    const amounts = opportunities
      .map(micros)
      .filter((v): v is bigint => v !== null)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const pivot = amounts[Math.floor(amounts.length / 2)];
    const kept = opportunities.filter((o) => micros(o) !== null && micros(o)! >= pivot);
    const groups = await groupBy({
      group_by: [{ stage: true }],
      aggregate: ['totalCount', 'sumAmountAmountMicros'],
      filter: `amount.amountMicros[gte]:${pivot}`,
    });
    const got = keyed(groups);
    for (const [stage, records] of byStage(kept)) {
      expect(got.get(stage)!.totalCount, stage).toBe(records.length);
      expect(BigInt(got.get(stage)!.sumAmountAmountMicros), stage).toBe(records.reduce((s, o) => s + micros(o)!, 0n));
    }
    expect(groups.reduce((s, g) => s + g.totalCount, 0)).toBe(kept.length);
  });

  it('rejects two sub-fields in one group_by item with 400 instead of using one of them', async () => {
    const group_by = JSON.stringify([{ address: { addressCity: true, addressCountry: true } }]);
    expectBadRequest(await rest(em, `/rest/companies/groupBy${qs({ group_by, aggregate: '["totalCount"]' })}`));
    // One sub-field per item is fine.
    const one = JSON.stringify([{ address: { addressCity: true } }]);
    expect((await rest(em, `/rest/companies/groupBy${qs({ group_by: one, aggregate: '["totalCount"]' })}`)).status).toBe(200);
  });

  it('rejects a group_by that is not JSON with 400', async () => {
    expectBadRequest(await rest(em, `/rest/opportunities/groupBy${qs({ group_by: 'stage', aggregate: '["totalCount"]' })}`));
  });
});
