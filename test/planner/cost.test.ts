/**
 * Cost before execution: the planner's estimate of REST calls, round trips and records, checked
 * against what each query shape actually costs; operations above MAX_OPERATION_CALLS or
 * MAX_RESPONSE_RECORDS refused before their first REST call, and those at the limit served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll } from '../emulator/helpers.js';
import { startStack, type Stack } from '../support/stack.js';
import { FOR_PLANNER_TESTS, startPlanners, type Planners } from './helpers.js';
import { SHAPES } from './shapes.js';

/** Shapes whose estimate is an upper bound on this data, and why. */
const BOUNDED: Record<string, string> = {
  'notes and their targets': "the targets' companies are the listed ones, already in hand",
};

describe('the estimate', () => {
  let planners: Planners;
  let variables: Record<string, unknown>;

  beforeAll(async () => {
    // Relations of this size fit their first page (and depth-1 arrays), as the estimate assumes.
    planners = await startPlanners(['on', 'off'], { emulator: { companies: 60 } });
    const companies = await fetchAll(planners.emulator, 'companies');
    const people = await fetchAll(planners.emulator, 'people');
    variables = { company: companies[3].id, other: companies[4].id, person: people[7].id };
    await planners.run('on', '{ opportunities(first: 1) { edges { node { stageInfo { label } } } } }'); // metadata, cached per key
  }, 60_000);

  afterAll(async () => {
    await planners?.close();
  });

  it.each(Object.keys(SHAPES))('matches the calls and round trips of %s', async (shape) => {
    const run = await planners.run('on', SHAPES[shape], variables);
    expect(run.body.errors, JSON.stringify(run.body.errors)).toBeUndefined();
    const { estimatedCalls, estimatedRoundTrips, calls, roundTrips } = run.cost;
    expect(calls).toBe(run.calls.length);
    if (BOUNDED[shape]) {
      expect(calls).toBeLessThanOrEqual(estimatedCalls);
      expect(roundTrips).toBeLessThanOrEqual(estimatedRoundTrips);
    } else {
      expect({ calls, roundTrips }).toEqual({ calls: estimatedCalls, roundTrips: estimatedRoundTrips });
    }
  });

  // Plain batching serves from the request's cache what the estimate cannot know is there.
  it.each(Object.keys(SHAPES))('bounds the calls of %s with the planner off', async (shape) => {
    const run = await planners.run('off', SHAPES[shape], variables);
    expect(run.body.errors, JSON.stringify(run.body.errors)).toBeUndefined();
    expect(run.cost.calls).toBeLessThanOrEqual(run.cost.estimatedCalls);
  });
});

describe('the limits', () => {
  let stack: Stack;
  let small: Stack;

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 60 }, config: { ...FOR_PLANNER_TESTS, debugUpstream: true } });
    small = await startStack({ emulator: { companies: 60 }, config: { ...FOR_PLANNER_TESTS, maxOperationCalls: 3, maxResponseRecords: 100 } });
  });

  afterAll(async () => {
    await stack?.close();
    await small?.close();
  });

  it('refuse 150 aliases of companies(first: 1000) { totalCount } before any REST call, with the estimate', async () => {
    const query = `{ ${Array.from({ length: 150 }, (_, i) => `a${i}: companies(first: 1000) { totalCount }`).join(' ')} }`;
    stack.resetCalls();
    const { status, body } = await stack.query(query);
    expect(stack.restCalls()).toEqual([]);
    expect(status).toBe(400);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: 150, maxOperationCalls: 50 });
    expect(body.extensions?.cost).toMatchObject({ estimatedCalls: 150, calls: 0 });
  });

  it('refuse a query whose nested lists multiply before any REST call, by the records its response may hold', async () => {
    const levels = (depth: number): string => (depth === 0 ? 'id' : `people { edges { node { id company { ${levels(depth - 1)} } } } }`);
    stack.resetCalls();
    const started = performance.now();
    const { status, body } = await stack.query(`{ companies(first: 60) { edges { node { ${levels(5)} } } } }`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(stack.restCalls()).toEqual([]);
    expect(status).toBe(400);
    expect(body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', maxResponseRecords: 200_000 });
    expect(body.errors![0].extensions!.estimatedRecords as number).toBeGreaterThan(200_000);
    expect(body.errors![0].message).toMatch(/give nested lists a "first"/);
  });

  it('serve the same query two levels deep, and with "first" on the nested lists', async () => {
    for (const query of [
      '{ companies(first: 60) { edges { node { people { edges { node { company { id } } } } } } } }',
      '{ companies(first: 60) { edges { node { people { edges { node { company { people(first: 5) { edges { node { company { people(first: 5) { totalCount } } } } } } } } } } } } }',
    ]) {
      const { body } = await stack.query(query);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(body.extensions?.cost).toMatchObject({ estimatedRecords: expect.any(Number) });
    }
  });

  it('serve an operation at MAX_OPERATION_CALLS and refuse one call above it', async () => {
    const counts = (n: number) => `{ ${['people', 'companies', 'notes', 'tasks'].slice(0, n).map((o) => `${o} { totalCount }`).join(' ')} }`;
    const atLimit = await small.query(counts(3));
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data.people.totalCount).toBe(300);
    small.resetCalls();
    const above = await small.query(counts(4));
    expect(above.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimatedCalls: 4, maxOperationCalls: 3 });
    expect(small.restCalls()).toEqual([]);
  });

  it('serve an operation at MAX_RESPONSE_RECORDS and refuse one record above it', async () => {
    const atLimit = await small.query('{ people(first: 100) { edges { node { id } } } }');
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data.people.edges).toHaveLength(100);
    const above = await small.query('{ people(first: 101) { edges { node { id } } } }');
    expect(above.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimatedRecords: 101, maxResponseRecords: 100 });
  });

  it('add extensions.cost to every response with DEBUG_UPSTREAM, and none without', async () => {
    const { body } = await stack.query('{ companies(first: 5) { edges { node { id accountOwner { id } } } } }');
    expect(body.extensions?.cost).toEqual({ estimatedCalls: 1, estimatedRoundTrips: 1, estimatedRecords: 10, calls: 1, roundTrips: 1 });
    const quiet = await small.query('{ companies(first: 5) { edges { node { id } } } }');
    expect(quiet.body.extensions?.cost).toBeUndefined();
  });
});
