/**
 * What a nested one-to-many connection may cost. Under a single parent (`company(id)`, or a
 * to-one reached from one) it is paged by Twenty like a root list: `first: 1` is one call however
 * many children the parent has. Under a list of parents the batch reads every child, so past
 * RELATION_SCAN_LIMIT records it is refused after its first call instead of draining the
 * workspace's budget of 100 requests a minute. Also: ids are matched whatever their case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from '../emulator/helpers.js';
import { startStack, type Stack } from '../support/stack.js';
import { BadUserInputError } from '../../src/errors.js';
import { fetchByKeys, groupedResults, NO_QUERY } from '../../src/loaders/batch.js';
import { RELATION_SCAN_LIMIT } from '../../src/twenty/paging.js';
import type { ListPage, ListParams, TwentyClient } from '../../src/twenty/types.js';
import { callsDuring, gql, gqlErrors, idsOf, nodes, restAll, type Rec } from './helpers.js';

let stack: Stack;
let big: string;
/** The big company's people in Twenty's default order (id ascending). */
let people: Rec[];
const CHILDREN = RELATION_SCAN_LIMIT + 1;

/** REST calls per object, leaving out the workspace metadata. */
function perObject(calls: Rec[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of calls) if (!String(c.path).includes('/metadata/')) counts[c.object] = (counts[c.object] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 5 } });
  const created = await rest(stack.emulator, '/rest/companies', { method: 'POST', body: { name: 'Big Fan-Out Inc' } });
  big = created.body.data.createCompany.id;
  for (let start = 0; start < CHILDREN; start += 200) {
    const body = Array.from({ length: Math.min(200, CHILDREN - start) }, (_, k) => {
      const i = start + k;
      return { name: { firstName: `P${i % 50}`, lastName: `L${i}` }, jobTitle: `Engineer ${i % 7}`, companyId: big };
    });
    const response = await rest(stack.emulator, '/rest/batch/people', { method: 'POST', body });
    expect(response.status, response.text).toBeLessThan(300);
  }
  people = await restAll(stack, 'people', { filter: `companyId[eq]:${big}` });
  expect(people).toHaveLength(CHILDREN);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('a connection under a single parent', () => {
  it('costs the record plus one page for first: 1, with the count of every child', async () => {
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!) { company(id: $id) { people(first: 1) {
            totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } }`,
        { id: big },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(calls.find((c) => c.object === 'people')!.query.limit).toBe('1');
    expect(data.company.people.totalCount).toBe(CHILDREN);
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(people.slice(0, 1)));
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
  });

  it('pages forward with first/after in one call', async () => {
    const start = await gql(stack, 'query ($id: ID!) { company(id: $id) { people(first: 3) { edges { cursor } } } }', { id: big });
    const cursor = start.company.people.edges[2].cursor;
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!, $after: String!) { company(id: $id) { people(first: 4, after: $after) {
            totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } }`,
        { id: big, after: cursor },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(people.slice(3, 7)));
    expect(data.company.people.totalCount).toBe(CHILDREN);
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
  });

  it('pages backward with last/before in one call', async () => {
    const start = await gql(stack, 'query ($id: ID!) { company(id: $id) { people(first: 10) { edges { cursor } } } }', { id: big });
    const cursor = start.company.people.edges[8].cursor;
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!, $before: String!) { company(id: $id) { people(last: 3, before: $before) {
            totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } }`,
        { id: big, before: cursor },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(people.slice(5, 8)));
    expect(data.company.people.totalCount).toBe(CHILDREN);
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true });
  });

  it('reads everything before the cursor with before alone, in one call', async () => {
    const start = await gql(stack, 'query ($id: ID!) { company(id: $id) { people(first: 10) { edges { cursor } } } }', { id: big });
    const cursor = start.company.people.edges[8].cursor;
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!, $before: String!) { company(id: $id) { people(before: $before) {
            pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } }`,
        { id: big, before: cursor },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(people.slice(0, 8)));
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
  });

  it('reads last alone from the end in one call', async () => {
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!) { company(id: $id) { people(last: 3) {
            totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } } }`,
        { id: big },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(people.slice(-3)));
    expect(data.company.people.totalCount).toBe(CHILDREN);
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it('ANDs the caller\'s filter to the foreign key and keeps its order, in one call', async () => {
    const expected = await restAll(stack, 'people', {
      filter: `and(companyId[eq]:${big},jobTitle[eq]:"Engineer 3")`,
      order_by: 'name.firstName[DescNullsLast]',
    });
    expect(expected.length).toBeGreaterThan(5);
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `query ($id: ID!) { company(id: $id) { people(first: 5, filter: { jobTitle: { eq: "Engineer 3" } },
            orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) {
            totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id jobTitle } } } } }`,
        { id: big },
      );
    });
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(idsOf(nodes(data.company.people))).toEqual(idsOf(expected.slice(0, 5)));
    expect(data.company.people.totalCount).toBe(expected.length);
    expect(data.company.people.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
  });

  it('treats a to-one reached from a single record as a single parent', async () => {
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, 'query ($id: ID!) { person(id: $id) { company { people(first: 2) { totalCount edges { node { id } } } } } }', {
        id: people[0].id,
      });
    });
    // The company comes nested in the person's own call (depth=1, §6).
    expect(perObject(calls)).toEqual({ people: 2 });
    expect(data.person.company.people.totalCount).toBe(CHILDREN);
    expect(idsOf(nodes(data.person.company.people))).toEqual(idsOf(people.slice(0, 2)));
  });
});

describe('a relation batched over a list of parents', () => {
  it(`is refused with BAD_USER_INPUT after one call past ${RELATION_SCAN_LIMIT} records`, async () => {
    let errors: Awaited<ReturnType<typeof gqlErrors>> = [];
    const calls = await callsDuring(stack, async () => {
      errors = await gqlErrors(stack, '{ companies(first: 60) { edges { node { id people(first: 1) { totalCount edges { node { id } } } } } } }');
    });
    // The companies' own call (depth=1) brings arrays cut at 60: the big one is read by batch.
    expect(perObject(calls)).toEqual({ companies: 1, people: 1 });
    expect(new Set(errors.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(errors[0].message).toMatch(/smaller pages/);
  });

  it('counts past the limit without reading: a grouped count for the parents whose arrays were cut (§7)', async () => {
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, '{ companies(first: 60) { edges { node { id people(first: 1) { totalCount } } } } }');
    });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /rest/companies', 'GET /rest/people/groupBy']);
    const all = await restAll(stack, 'people');
    for (const company of nodes(data.companies)) {
      expect(company.people.totalCount).toBe(all.filter((p) => p.companyId === company.id).length);
    }
    expect(nodes(data.companies).find((c) => c.id === big)?.people.totalCount).toBe(CHILDREN);
  });

  it('still reads a batch under the limit to the end', async () => {
    const others = (await restAll(stack, 'companies')).filter((c) => c.id !== big);
    const data = await gql(
      stack,
      `query ($f: CompanyFilter) { companies(first: 60, filter: $f) { edges { node { id people(first: 1) { totalCount } } } } }`,
      { f: { id: { in: others.map((c) => c.id) } } },
    );
    const all = await restAll(stack, 'people');
    for (const company of nodes(data.companies)) {
      expect(company.people.totalCount).toBe(all.filter((p) => p.companyId === company.id).length);
    }
  });
});

describe('ids in another case', () => {
  it('finds a record by its upper-case id, and shares one call with its lower-case twin', async () => {
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, 'query ($up: ID!, $low: ID!) { up: company(id: $up) { id name } low: company(id: $low) { id } }', {
        up: big.toUpperCase(),
        low: big,
      });
    });
    expect(data.up).toEqual({ id: big, name: 'Big Fan-Out Inc' });
    expect(data.low).toEqual({ id: big });
    expect(perObject(calls)).toEqual({ companies: 1 });
  });

  it('reaches relations from a record found by its upper-case id', async () => {
    const data = await gql(stack, 'query ($id: ID!) { person(id: $id) { id company { id people(first: 1) { totalCount } } } }', {
      id: String(people[0].id).toUpperCase(),
    });
    expect(data.person.id).toBe(people[0].id);
    expect(data.person.company).toEqual({ id: big, people: { totalCount: CHILDREN } });
  });
});

describe('the cap on one relation batch', () => {
  /** A server of `perKey` children for every parent key, two keys a call, two records a page. */
  function fakeClient(perKey: number) {
    const calls: ListParams[] = [];
    const client = {
      pageLimit: async () => 2,
      async list(_object: string, params: ListParams = {}): Promise<ListPage> {
        calls.push(params);
        const keys = /\[in\]:\[([^\]]*)\]/.exec(String(params.filter))![1].split(',');
        const all = keys.flatMap((key) => Array.from({ length: perKey }, (_, i) => ({ id: `${key}-${i}`, companyId: key })));
        const from = params.startingAfter ? all.findIndex((r) => r.id === params.startingAfter) + 1 : 0;
        const records = all.slice(from, from + (params.limit ?? 2));
        const end = records[records.length - 1]?.id ?? null;
        return {
          records,
          totalCount: all.length,
          pageInfo: { hasNextPage: from + records.length < all.length, hasPreviousPage: from > 0, startCursor: records[0]?.id ?? null, endCursor: end },
        };
      },
    };
    return { client: client as unknown as TwentyClient, calls };
  }
  const keys = ['a', 'b', 'c', 'd'].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`);

  it('adds up the first pages of every chunk before reading on, and refuses the whole batch past the cap', async () => {
    const { client, calls } = fakeClient(3);
    const chunks = await fetchByKeys(client, 'people', 'companyId', keys, NO_QUERY, 11);
    // Two chunks of two keys, 6 records each: 12 > 11 after one call per chunk.
    expect(calls).toHaveLength(2);
    expect(chunks.map((c) => c.keys.length)).toEqual([2, 2]);
    for (const { result } of chunks) {
      expect(result).toBeInstanceOf(BadUserInputError);
      expect((result as Error).message).toMatch(/12 people \(more than 11\)/);
    }
  });

  it('reads every page of every chunk at the cap', async () => {
    const { client, calls } = fakeClient(3);
    const chunks = await fetchByKeys(client, 'people', 'companyId', keys, NO_QUERY, 12);
    expect(calls).toHaveLength(6);
    expect(chunks.map((c) => (c.result as Rec[]).length)).toEqual([6, 6]);
  });

  it('matches parent keys to children whatever their case', async () => {
    const { client } = fakeClient(1);
    const upper = keys.map((k) => k.toUpperCase());
    const chunks = await fetchByKeys(client, 'people', 'companyId', upper, NO_QUERY);
    expect(groupedResults(upper, chunks, 'companyId').map((g) => (g as Rec[]).length)).toEqual([1, 1, 1, 1]);
  });
});
