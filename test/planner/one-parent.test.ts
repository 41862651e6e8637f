/**
 * A single parent's relation (`company(id) { people(…) }`) is read through a by-key loader, so
 * the single parents of one operation, and of the key's concurrent operations, share a call
 * when their relations are short; read alone it costs its own page, as a root list would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOneParentPages } from '../../src/loaders/batch.js';
import type { TwentyClient } from '../../src/twenty/types.js';
import { createMany, fetchAll } from '../emulator/helpers.js';
import { startPlanners, type Planners, type Run } from './helpers.js';

let planners: Planners;
let big: string;
let small: string[];

const PEOPLE = '{ totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name { lastName } } } }';

beforeAll(async () => {
  planners = await startPlanners(['on', 'off'], { emulator: { companies: 20 } });
  const companies = await fetchAll(planners.emulator, 'companies');
  big = companies[0].id;
  small = companies.slice(1, 11).map((c) => c.id);
  for (let i = 0; i < 450; i += 50) {
    await createMany(
      planners.emulator,
      'people',
      Array.from({ length: 50 }, (_, j) => ({ name: { firstName: 'Many', lastName: `Person ${String(i + j).padStart(3, '0')}` }, companyId: big })),
    );
  }
}, 60_000);

afterAll(async () => {
  await planners?.close();
});

/** Runs on both servers: the same data; the planner's run is returned. */
async function same(query: string): Promise<Run> {
  const on = await planners.run('on', query);
  const off = await planners.run('off', query);
  expect(on.body.errors, JSON.stringify(on.body.errors)).toBeUndefined();
  expect(on.body.data).toEqual(off.body.data);
  return on;
}

const peopleCalls = (run: Run) => run.calls.filter((c) => c.object === 'people');

describe('a single parent\'s relation', () => {
  it('read alone costs its own first page, whatever the parent holds', async () => {
    const run = await same(`{ company(id: "${big}") { people(first: 3, orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} } }`);
    expect(peopleCalls(run).map((c) => c.query.limit)).toEqual(['3']);
    expect(run.body.data.company.people.totalCount).toBeGreaterThanOrEqual(450);
    expect(run.body.data.company.people.pageInfo.hasNextPage).toBe(true);
  });

  it('read alone past a page goes on from that page by cursor', async () => {
    const run = await same(`{ company(id: "${big}") { people(first: 250, orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} } }`);
    expect(peopleCalls(run).map((c) => [c.query.limit, c.query.starting_after !== undefined])).toEqual([
      ['200', false],
      ['50', true],
    ]);
    expect(run.body.data.company.people.edges).toHaveLength(250);
  });

  it('of several single parents in one operation is one call when short', async () => {
    const aliases = small.slice(0, 5).map((id, i) => `c${i}: company(id: "${id}") { people(orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} }`);
    const run = await same(`{ ${aliases.join(' ')} }`);
    expect(peopleCalls(run)).toHaveLength(1);
    expect(peopleCalls(run)[0].query.filter).toContain(small[4]);
  });

  it('pooled with a long one is read by each parent itself, the same as alone', async () => {
    const run = await same(
      `{ a: company(id: "${big}") { people(first: 10, orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} } ` +
        `b: company(id: "${small[0]}") { people(first: 10, orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} } }`,
    );
    // The pooled first page shows more than a page a parent: each then reads its own.
    expect(peopleCalls(run)).toHaveLength(3);
    expect(run.body.data.a.people.edges).toHaveLength(10);
  });

  it('of concurrent operations of one key is shared', async () => {
    const page = (id: string) => `{ company(id: "${id}") { name people(orderBy: [{ field: NAME_LAST_NAME }]) ${PEOPLE} } }`;
    const alone = await Promise.all(small.map(async (id) => (await planners.run('on', page(id))).body.data));
    planners.emulator.reset();
    const together = await Promise.all(small.map((id) => planners.query('on', page(id))));
    expect(together).toEqual(alone);
    const log = planners.emulator.stats().requests.log;
    // Ten pages: one call each for their people when read one after another, far fewer at once.
    expect(log.filter((c) => c.object === 'people').length).toBeLessThanOrEqual(4);
    expect(log.filter((c) => c.object === 'companies').length).toBeLessThanOrEqual(4);
  });
});

describe('a pooled read of single parents cut short', () => {
  it('keeps a lone key\'s first page only when it was read at the size that parent asked', async () => {
    // Page limit 2, three parents asking one record each: chunks of two keys and of one. The
    // lone key's page was read 2 records long, more than its parent's page of 1: not kept.
    const uuid = (i: number) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const client = {
      pageLimit: async () => 2,
      list: async () => ({
        records: [{ id: uuid(10) }, { id: uuid(11) }],
        totalCount: 100,
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: 'a', endCursor: 'b' },
      }),
    } as unknown as TwentyClient;
    const chunks = await fetchOneParentPages(client, 'people', 'companyId', [uuid(1), uuid(2), uuid(3)], { key: '' }, 1, 5_000);
    expect(chunks.map((chunk) => chunk.keys.length)).toEqual([2, 1]);
    expect(chunks.every((chunk) => chunk.cut !== undefined)).toBe(true);
    for (const chunk of chunks) expect(chunk.cut?.first?.records.length ?? 0).toBeLessThanOrEqual(1);
  });
});
