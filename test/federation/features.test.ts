/**
 * The subgraph mode is the same server with the same plugins: reports, the front door's limits,
 * the planner's cost limit and the workspace budget apply to `_entities` as to any query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsDuring, perObject, restAll, type Rec } from '../graphql/helpers.js';
import { startStack, type Stack } from '../support/stack.js';

const company = (id: string) => ({ __typename: 'Company', id });

describe('FEDERATION=on keeps every other feature', () => {
  let stack: Stack;
  let companies: Rec[];
  let opportunities: Rec[];

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 80 }, config: { federation: true, reportCacheTtlMs: 0 } });
    [companies, opportunities] = await Promise.all([restAll(stack, 'companies'), restAll(stack, 'opportunities')]);
  });
  afterAll(() => stack?.close());

  it("serves a report on referenced entities: 60 companies' pipelines in one groupBy call", async () => {
    const sixty = companies.slice(0, 60);
    let body: Rec = {};
    const calls = await callsDuring(stack, async () => {
      body = (
        await stack.query(
          'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Company { id pipeline { count } } } }',
          { representations: sixty.map((c) => company(c.id)) },
        )
      ).body;
    });
    expect(body.errors).toBeUndefined();
    const counted = body.data._entities.map((c: Rec) => c.pipeline.count);
    expect(counted).toEqual(sixty.map((c) => opportunities.filter((o) => o.companyId === c.id).length));
    expect(counted.some((n: number) => n > 0)).toBe(true);
    const groupBys = calls.filter((c) => String(c.path).endsWith('/groupBy'));
    expect(groupBys).toHaveLength(1);
    expect(perObject(calls).companies).toBe(1);
  });

  it("refuses an alias bomb through _entities before any REST call (the front door's MAX_ALIASES)", async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: _entities(representations: $r) { ... on Company { id } }`).join('\n');
    let response: Awaited<ReturnType<Stack['query']>> | undefined;
    const calls = await callsDuring(stack, async () => {
      response = await stack.query(`query ($r: [_Any!]!) { ${aliases} }`, { r: [company(companies[0].id)] });
    });
    expect(response!.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(calls).toEqual([]);
  });
});
