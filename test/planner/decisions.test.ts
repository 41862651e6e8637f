/**
 * Each decision of the planner, on a query where it matters: the same query with every decision
 * and with all but that one gives the same data, and the decision saves the REST calls or round
 * trips it claims (so each of these fails without its decision).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll, rest } from '../emulator/helpers.js';
import type { RequestLogEntry } from '../../src/emulator/index.js';
import { callNames, LATENCY_MS, startPlanners, type Planners, type Run } from './helpers.js';

let planners: Planners;
let company: string;

beforeAll(async () => {
  // The demo's own size: 200 companies, 1,000 people, 500 opportunities.
  planners = await startPlanners(['on', 'no-count', 'no-group-count', 'no-depth', 'no-prefetch', 'no-merge', 'no-parallel-pages', 'no-fields'], {
    emulator: { companies: 200 },
  });
  const companies = await fetchAll(planners.emulator, 'companies');
  const withNotes = new Set((await fetchAll(planners.emulator, 'noteTargets')).map((t) => t.targetCompanyId));
  company = companies.find((c) => withNotes.has(c.id))!.id;
  // Warm the workspace metadata (read once per key), so calls below are the query's own.
  await planners.run('on', '{ opportunities(first: 1) { edges { node { stageInfo { label } } } } }');
}, 60_000);

afterAll(async () => {
  await planners?.close();
});

/** Runs the query with every decision and without one; the data must be the same. */
async function withAndWithout(decision: string, query: string, variables?: Record<string, unknown>): Promise<{ on: Run; off: Run }> {
  const on = await planners.run('on', query, variables);
  const off = await planners.run(`no-${decision}`, query, variables);
  expect(on.body.errors, JSON.stringify(on.body.errors)).toBeUndefined();
  expect(off.body.errors, JSON.stringify(off.body.errors)).toBeUndefined();
  expect(on.body.data).toEqual(off.body.data);
  return { on, off };
}

describe('the planner', () => {
  it('count: answers a connection asked only for totalCount with one call of one record', async () => {
    const { on, off } = await withAndWithout('count', '{ people(first: 1000) { totalCount } }');
    expect(on.body.data.people.totalCount).toBe(1000);
    expect(on.calls).toHaveLength(1);
    expect(on.calls[0].query.limit).toBe('1');
    expect(off.calls.length).toBeGreaterThanOrEqual(5);
  });

  it('group-count: counts a relation under a list of parents with one grouped count (§7)', async () => {
    // 100 companies is past the parents whose arrays may come at depth 1.
    const { on, off } = await withAndWithout('group-count', '{ companies(first: 100) { edges { node { id people { totalCount } } } } }');
    expect(callNames(on)).toEqual(['GET /rest/companies', 'GET /rest/people/groupBy']);
    expect(callNames(off)).not.toContain('GET /rest/people/groupBy');
    expect(off.calls.length).toBeGreaterThan(on.calls.length);
  });

  it('depth: brings to-one relations with the list that needs them (§6)', async () => {
    const { on, off } = await withAndWithout(
      'depth',
      '{ opportunities(first: 50) { edges { node { id company { name } pointOfContact { id name { firstName } } owner { id } } } } }',
    );
    expect(callNames(on)).toEqual(['GET /rest/opportunities']);
    expect(on.calls[0].query.depth).toBe('1');
    expect(on.cost.roundTrips).toBe(1);
    expect(off.calls).toHaveLength(4);
    expect(off.cost.roundTrips).toBe(2);
  });

  it('depth: takes short one-to-many arrays from the parents\' own call, exact counts included', async () => {
    const { on, off } = await withAndWithout('depth', '{ companies(first: 30) { edges { node { people { totalCount edges { node { id } } } } } } }');
    expect(callNames(on)).toEqual(['GET /rest/companies']);
    expect(off.calls).toHaveLength(2);
  });

  it('depth: takes a single record\'s short one-to-many arrays from its own call, counts included', async () => {
    const query = `query ($id: ID!) { company(id: $id) { name people { totalCount edges { node { id name { firstName } company { id } } } } opportunities { totalCount } } }`;
    const { on, off } = await withAndWithout('depth', query, { id: company });
    expect(callNames(on)).toEqual(['GET /rest/companies']);
    expect(on.calls[0].query.depth).toBe('1');
    expect(on.body.data.company.people.totalCount).toBeGreaterThan(0);
    expect(off.calls).toHaveLength(3);
  });

  it('depth: reads notes nested in their targets, one round trip fewer', async () => {
    const { on, off } = await withAndWithout('depth', '{ companies(first: 30) { edges { node { notes { totalCount edges { node { id title } } } } } } }');
    expect(callNames(on)).toEqual(['GET /rest/companies', 'GET /rest/noteTargets']);
    expect(on.cost.roundTrips).toBe(2);
    expect(off.cost.roundTrips).toBe(3);
  });

  it('prefetch: starts a single record\'s relations from its id, in parallel with it', async () => {
    const query = `query ($id: ID!) { company(id: $id) { name
      people(first: 5) { totalCount edges { node { id } } }
      opportunities { totalCount }
      notes { edges { node { title } } } } }`;
    const { on, off } = await withAndWithout('prefetch', query, { id: company });
    expect(on.cost.roundTrips).toBe(1);
    expect(off.cost.roundTrips).toBe(2);
    expect(on.calls).toHaveLength(off.calls.length);
  });

  it('merge: one batch for a relation under sibling aliases that answer at different times', async () => {
    const alias = (name: string, field: string) =>
      `${name}: companies(first: 5, orderBy: [{ field: ${field} }]) { edges { node { people(filter: { jobTitle: { isNull: false } }) { edges { node { id } } } } } }`;
    // Each list answers at its own time, tens of milliseconds apart.
    planners.emulator.setLatency({ min: 5, max: 80 });
    try {
      const { on, off } = await withAndWithout('merge', `{ ${alias('byName', 'NAME')} ${alias('byEmployees', 'EMPLOYEES')} ${alias('byCity', 'ADDRESS_ADDRESS_CITY')} }`);
      expect(on.calls.filter((c) => c.object === 'people')).toHaveLength(1);
      expect(off.calls.filter((c) => c.object === 'people').length).toBeGreaterThan(1);
    } finally {
      planners.emulator.setLatency(LATENCY_MS);
    }
  });

  it('parallel-pages: reads a long list past its first page in parallel, not one cursor after another', async () => {
    const { on, off } = await withAndWithout('parallel-pages', '{ people(first: 1000) { pageInfo { hasNextPage } edges { node { id } } } }');
    expect(on.body.data.people.edges).toHaveLength(1000);
    expect(on.cost.roundTrips).toBe(2);
    expect(on.cost.estimatedCalls).toBe(on.cost.calls);
    expect(off.cost.roundTrips).toBe(5);
    expect(on.calls.length).toBeLessThanOrEqual(off.calls.length + 1);
  });

  it('fields: asks only the fields the operation reads (§13), so Twenty sends less', async () => {
    const query = '{ people(first: 200) { edges { node { name { displayName } jobTitle company { name } } } } }';
    const { on, off } = await withAndWithout('fields', query);
    // The person's company comes nested (depth=1), and only it: `fields` also names what depth expands.
    expect(on.calls.map((c) => c.query.fields)).toEqual(['company,deletedAt,jobTitle,name']);
    expect(off.calls.map((c) => c.query.fields)).toEqual([undefined]);
    const bytes = async (calls: RequestLogEntry[]) => {
      let total = 0;
      for (const call of calls) total += (await rest(planners.emulator, `${call.path}?${new URLSearchParams(call.query as Record<string, string>)}`)).text.length;
      return total;
    };
    expect(await bytes(on.calls)).toBeLessThan((await bytes(off.calls)) * 0.6);
  });
});

