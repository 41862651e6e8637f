// Conformance: twenty-rest.md §5 (order_by: directions, composite sub-fields, tie-breaker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmp, createMany, expectBadRequest, fetchAll, list, qs, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

let em: Emulator;
let companies: Rec[];
let opportunities: Rec[];

beforeAll(async () => {
  em = await startTestEmulator({ companies: 30 });
  // Nulls and ties, so that both the null placement and the id tie-breaker are visible.
  await createMany(em, 'companies', [
    { name: 'Order Null A', employees: null },
    { name: 'Order Null B', employees: null },
    { name: 'Order Tie A', employees: 777777 },
    { name: 'Order Tie B', employees: 777777 },
    { name: 'Order Tie C', employees: 777777 },
  ]);
  await createMany(em, 'opportunities', [{ name: 'Order No Amount' }]);
  companies = await fetchAll(em, 'companies');
  opportunities = await fetchAll(em, 'opportunities');
});
afterAll(() => em?.close());

type Dir = 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast';

/** A comparator for one key in one §5 direction; null placement is independent of asc/desc. */
function by(get: (r: Rec) => number | null, dir: Dir): (a: Rec, b: Rec) => number {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === null && y === null) return 0;
    const nullsFirst = dir.endsWith('NullsFirst');
    if (x === null) return nullsFirst ? -1 : 1;
    if (y === null) return nullsFirst ? 1 : -1;
    return dir.startsWith('Asc') ? x - y : y - x;
  };
}

/** Sorts by the given keys, then id ascending (the tie-breaker Twenty always appends). */
function sortBy(records: Rec[], ...keys: Array<(a: Rec, b: Rec) => number>): string[] {
  return [...records]
    .sort((a, b) => {
      for (const k of keys) {
        const d = k(a, b);
        if (d !== 0) return d;
      }
      return cmp(a.id, b.id);
    })
    .map((r) => r.id);
}

const employees = (r: Rec): number | null => r.employees;
const micros = (r: Rec): number | null =>
  r.amount?.amountMicros === null || r.amount?.amountMicros === undefined ? null : Number(r.amount.amountMicros);
const closeDate = (r: Rec): number | null => (r.closeDate ? Date.parse(r.closeDate) : null);

async function orderedIds(plural: string, orderBy?: string): Promise<string[]> {
  return (await fetchAll(em, plural, { order_by: orderBy })).map((r) => r.id);
}

describe('§5 order_by directions', () => {
  it.each(['AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'] as Dir[])('orders employees[%s]', async (dir) => {
    expect(await orderedIds('companies', `employees[${dir}]`)).toEqual(sortBy(companies, by(employees, dir)));
  });

  it('defaults to AscNullsFirst when no direction is given', async () => {
    expect(await orderedIds('companies', 'employees')).toEqual(sortBy(companies, by(employees, 'AscNullsFirst')));
  });

  it('rejects another direction with 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ order_by: 'employees[Sideways]' })}`));
  });
});

describe('§5 composite fields', () => {
  it('orders by a composite sub-field (amount.amountMicros[DescNullsLast])', async () => {
    expect(await orderedIds('opportunities', 'amount.amountMicros[DescNullsLast]')).toEqual(
      sortBy(opportunities, by(micros, 'DescNullsLast')),
    );
  });

  it('orders by several keys in turn', async () => {
    expect(await orderedIds('opportunities', 'closeDate[AscNullsLast],amount.amountMicros[DescNullsFirst]')).toEqual(
      sortBy(opportunities, by(closeDate, 'AscNullsLast'), by(micros, 'DescNullsFirst')),
    );
  });

  it('rejects ordering by a whole composite field with 400', async () => {
    expectBadRequest(await rest(em, `/rest/people${qs({ order_by: 'name[AscNullsFirst]' })}`));
    expectBadRequest(await rest(em, `/rest/opportunities${qs({ order_by: 'amount' })}`));
  });

  it('rejects ordering by an unknown field with 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ order_by: 'shoeSize' })}`));
  });
});

describe('§5 id tie-breaker', () => {
  it('with no order_by the order is id ascending', async () => {
    expect(await orderedIds('companies')).toEqual(companies.map((c) => c.id).sort(cmp));
  });

  it('breaks ties by id ascending, whatever the direction', async () => {
    for (const dir of ['AscNullsFirst', 'DescNullsLast']) {
      const page = await list(em, 'companies', { order_by: `employees[${dir}]`, filter: 'employees[eq]:777777' });
      const got = page.records.map((r) => r.id);
      expect(got.length).toBe(3);
      expect(got).toEqual([...got].sort(cmp));
    }
  });

  it('breaks ties between nulls by id ascending', async () => {
    const page = await list(em, 'companies', { order_by: 'employees[DescNullsFirst]', limit: 200 });
    const nulls = page.records.filter((r) => r.employees === null).map((r) => r.id);
    expect(nulls.length).toBeGreaterThanOrEqual(2);
    expect(page.records.slice(0, nulls.length).map((r) => r.id)).toEqual([...nulls].sort(cmp));
  });
});
