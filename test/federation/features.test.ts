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
    stack = await startStack({ emulator: { companies: 80 }, config: { federation: true, reportCacheTtlMs: 0, debugUpstream: true } });
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
  it("refuses a multiplying query under _entities before any REST call (the planner's records bound)", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Company {
      people { edges { node { company { people { edges { node { id } } } } } } }
    } } }`;
    let response: Awaited<ReturnType<Stack['query']>> | undefined;
    const calls = await callsDuring(stack, async () => {
      response = await stack.query(query, { r: companies.slice(0, 60).map((c) => company(c.id)) });
    });
    expect(response!.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', maxResponseRecords: expect.any(Number) });
    expect(calls).toEqual([]);
  });

  it("reads what _entities selects when the same operation reads that object elsewhere (fields= is the union of both)", async () => {
    const [first, second] = companies;
    const { body } = await stack.query(
      `query ($r: [_Any!]!, $id: ID!) {
        company(id: $id) { id }
        _entities(representations: $r) { ... on Company { id name employees people(first: 2) { edges { node { id jobTitle } } } } }
      }`,
      { r: [company(second.id)], id: first.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toMatchObject({ id: second.id, name: second.name, employees: second.employees ?? null });
    expect(body.data._entities[0].name).toEqual(expect.any(String));
  });

  it("plans _entities as companies: people at depth=1 with the companies (one call), or one batch per relation for companies found by domain", async () => {
    const people = await restAll(stack, 'people');
    const ten = companies.slice(0, 10);
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Company { id people { edges { node { id company { id } } } } } } }`;
    const expected = ten.map((c) => people.filter((p) => p.companyId === c.id).map((p) => p.id).sort());
    expect(expected.flat().length).toBeGreaterThan(0);
    const peopleOf = (body: Rec) => body.data._entities.map((c: Rec) => c.people.edges.map((e: Rec) => e.node.id).sort());

    // By id: the companies' own call brings their people (short arrays, §6); each person's company is in hand.
    const byId = (await stack.query(query, { r: ten.map((c) => company(c.id)) })).body;
    expect(byId.errors).toBeUndefined();
    expect(peopleOf(byId)).toEqual(expected);
    expect(byId.extensions?.cost).toMatchObject({ estimatedCalls: 1, calls: 1, estimatedRoundTrips: 1, roundTrips: 1 });

    // By domain: the by-value loader reads no depth, so the people come in one batch after.
    const withDomain = ten.filter((c) => c.domainName?.primaryLinkUrl);
    const byDomain = (
      await stack.query(query, { r: withDomain.map((c) => ({ __typename: 'Company', domainName: { primaryLinkUrl: c.domainName.primaryLinkUrl } })) })
    ).body;
    expect(byDomain.errors).toBeUndefined();
    expect(peopleOf(byDomain)).toEqual(withDomain.map((c) => people.filter((p) => p.companyId === c.id).map((p) => p.id).sort()));
    expect(byDomain.extensions?.cost).toMatchObject({ estimatedCalls: 2, calls: 2, estimatedRoundTrips: 2, roundTrips: 2 });
  });

  it("never lets a representation's field names into a query string (fields=)", async () => {
    let body: Rec = {};
    const calls = await callsDuring(stack, async () => {
      body = (
        await stack.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Company { id name } } }`, {
          r: [company(companies[0].id), { __typename: 'Company', 'name,accountOwner&depth=2': 'x' }],
        })
      ).body;
    });
    expect(body.data._entities[0]).toMatchObject({ id: companies[0].id, name: companies[0].name });
    expect(body.errors?.map((e: Rec) => [e.path, e.extensions.code])).toEqual([[['_entities', 1], 'BAD_USER_INPUT']]);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(JSON.stringify(call.query)).not.toContain('accountOwner&');
  });
});
