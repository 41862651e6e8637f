/**
 * Ordering and Relay paging, forward and backward, on root lists and nested connections,
 * compared with the full list in the emulator's own order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { gql, gqlErrors, idsOf, nodes, restAll, type Rec } from './helpers.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 40 } });
});

afterAll(async () => {
  await stack?.close();
});

async function page(args: string, orderBy = '[]'): Promise<Rec> {
  const data = await gql(
    stack,
    `{ companies(${args} orderBy: ${orderBy}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name employees } } } }`,
  );
  return data.companies;
}

const ORDERS = [
  { orderBy: '[]', rest: undefined },
  { orderBy: '[{ field: NAME }]', rest: 'name[AscNullsFirst]' },
  { orderBy: '[{ field: EMPLOYEES, direction: DESC }]', rest: 'employees[DescNullsLast]' },
  { orderBy: '[{ field: EMPLOYEES, direction: DESC_NULLS_FIRST }, { field: NAME, direction: DESC }]', rest: 'employees[DescNullsFirst],name[DescNullsLast]' },
  { orderBy: '[{ field: ANNUAL_RECURRING_REVENUE_AMOUNT_MICROS, direction: ASC_NULLS_LAST }]', rest: 'annualRecurringRevenue.amountMicros[AscNullsLast]' },
  { orderBy: '[{ field: ADDRESS_ADDRESS_CITY }, { field: CREATED_AT, direction: DESC }]', rest: 'address.addressCity[AscNullsFirst],createdAt[DescNullsLast]' },
];

describe('orderBy', () => {
  it.each(ORDERS)('orders by $orderBy as Twenty orders by $rest', async ({ orderBy, rest }) => {
    const expected = await restAll(stack, 'companies', rest ? { order_by: rest } : {});
    const result = await page('first: 1000', orderBy);
    expect(idsOf(nodes(result))).toEqual(idsOf(expected));
  });

  it('orders opportunities by a select and people by a composite sub-field', async () => {
    const opps = await gql(stack, '{ opportunities(first: 1000, orderBy: [{ field: STAGE }, { field: CLOSE_DATE, direction: DESC }]) { edges { node { id } } } }');
    expect(idsOf(nodes(opps.opportunities))).toEqual(idsOf(await restAll(stack, 'opportunities', { order_by: 'stage,closeDate[DescNullsLast]' })));
    const people = await gql(stack, '{ people(first: 1000, orderBy: [{ field: NAME_LAST_NAME }, { field: EMAILS_PRIMARY_EMAIL, direction: DESC }]) { edges { node { id } } } }');
    expect(idsOf(nodes(people.people))).toEqual(idsOf(await restAll(stack, 'people', { order_by: 'name.lastName,emails.primaryEmail[DescNullsLast]' })));
  });
});

describe('paging a root list', () => {
  it.each(ORDERS)('walks forward with first/after through the whole list ordered by $orderBy', async ({ orderBy }) => {
    const full = idsOf(nodes(await page('first: 1000', orderBy)));
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const p = await page(after ? `first: 7, after: "${after}"` : 'first: 7', orderBy);
      expect(p.totalCount).toBe(full.length);
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
      seen.push(...idsOf(nodes(p)));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(full);
  });

  it.each(ORDERS)('walks backward with last/before through the whole list ordered by $orderBy', async ({ orderBy }) => {
    const full = idsOf(nodes(await page('first: 1000', orderBy)));
    const seen: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const p = await page(before ? `last: 7, before: "${before}"` : 'last: 7', orderBy);
      expect(p.totalCount).toBe(full.length);
      expect(p.pageInfo.hasNextPage).toBe(before !== null);
      expect(p.edges.length).toBe(Math.min(7, full.length - seen.length));
      seen.unshift(...idsOf(nodes(p)));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(seen).toEqual(full);
  });

  it('returns the last records alone, in normal order, with last and no before', async () => {
    const full = idsOf(nodes(await page('first: 1000', '[{ field: NAME }]')));
    const p = await page('last: 5', '[{ field: NAME }]');
    expect(idsOf(nodes(p))).toEqual(full.slice(-5));
    expect(p.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('returns the records just before the cursor with before and no last', async () => {
    const full = idsOf(nodes(await page('first: 1000', '[{ field: NAME }]')));
    const cursorOf35 = (await page('first: 35', '[{ field: NAME }]')).pageInfo.endCursor;
    const p = await page(`before: "${cursorOf35}"`, '[{ field: NAME }]');
    expect(idsOf(nodes(p))).toEqual(full.slice(0, 34));
    expect(p.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('accepts an edge cursor (not only pageInfo cursors) as after', async () => {
    const full = idsOf(nodes(await page('first: 1000')));
    const first = await page('first: 10');
    const p = await page(`first: 3, after: "${first.edges[4].cursor}"`);
    expect(idsOf(nodes(p))).toEqual(full.slice(5, 8));
  });

  it('refuses a cursor taken from a list in another order, at root, rather than landing anywhere', async () => {
    const byName = await page('first: 3', '[{ field: NAME }]');
    const errors = await gqlErrors(
      stack,
      `{ companies(first: 3, after: "${byName.pageInfo.endCursor}", orderBy: [{ field: EMPLOYEES, direction: DESC }]) { totalCount } }`,
    );
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toMatch(/another order/);
    const unordered = await gqlErrors(stack, `{ companies(last: 3, before: "${byName.pageInfo.endCursor}") { totalCount } }`);
    expect(unordered[0].extensions?.code).toBe('BAD_USER_INPUT');
    // The same cursor with the order it came from pages on.
    const next = await page(`first: 3, after: "${byName.pageInfo.endCursor}"`, '[{ field: NAME }]');
    expect(next.edges).toHaveLength(3);
  });

  it('counts without records for first: 0', async () => {
    const p = await page('first: 0');
    expect(p.edges).toEqual([]);
    expect(p.totalCount).toBe(40);
  });

  it('returns 60 records when neither first nor last is given', async () => {
    const data = await gql(stack, '{ people { totalCount edges { node { id } } } }');
    expect(data.people.totalCount).toBeGreaterThan(60);
    expect(data.people.edges.length).toBe(60);
  });

  it.each([
    ['first: -1', /first/],
    ['first: 1001', /first/],
    ['last: 5000', /last/],
    ['first: 2, last: 2', /either "first" or "last"/],
    ['after: "eyJpZCI6IngifQ==", before: "eyJpZCI6IngifQ=="', /either "after" or "before"/],
  ])('refuses %s with BAD_USER_INPUT', async (args, message) => {
    const errors = await gqlErrors(stack, `{ companies(${args}) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toMatch(message);
  });

  it('refuses the same paging arguments on a nested connection', async () => {
    const { body } = await stack.query('{ companies(first: 1) { edges { node { people(first: 2000) { totalCount } } } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('nested connections', () => {
  it('pages each parent separately with first/after, last/before and orderBy, counting per parent', async () => {
    const people = await restAll(stack, 'people', { order_by: 'name.firstName[DescNullsLast]' });
    const data = await gql(
      stack,
      `{ companies(first: 1000) { edges { node { id
          all: people(orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) { totalCount edges { cursor node { id } } }
          firstTwo: people(first: 2, orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } }
          lastTwo: people(last: 2, orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } }
      } } } }`,
    );
    let paged = 0;
    for (const company of nodes(data.companies)) {
      const expected = idsOf(people.filter((p) => p.companyId === company.id));
      expect(idsOf(nodes(company.all))).toEqual(expected);
      expect(company.all.totalCount).toBe(expected.length);
      expect(idsOf(nodes(company.firstTwo))).toEqual(expected.slice(0, 2));
      expect(company.firstTwo.totalCount).toBe(expected.length);
      expect(company.firstTwo.pageInfo).toEqual({ hasNextPage: expected.length > 2, hasPreviousPage: false });
      expect(idsOf(nodes(company.lastTwo))).toEqual(expected.slice(-2));
      expect(company.lastTwo.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: expected.length > 2 });
      if (expected.length > 3) {
        paged++;
        const cursor = company.all.edges[1].cursor;
        const next = await gql(
          stack,
          `query ($id: ID!, $after: String!, $before: String!) { company(id: $id) {
              after: people(first: 2, after: $after, orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) { edges { node { id } } }
              before: people(last: 5, before: $before, orderBy: [{ field: NAME_FIRST_NAME, direction: DESC }]) { edges { node { id } } }
          } }`,
          { id: company.id, after: cursor, before: company.all.edges[3].cursor },
        );
        expect(idsOf(nodes(next.company.after))).toEqual(expected.slice(2, 4));
        expect(idsOf(nodes(next.company.before))).toEqual(expected.slice(0, 3));
      }
    }
    expect(paged).toBeGreaterThan(0);
  });

  it('orders and pages notes reached through targets', async () => {
    const data = await gql(
      stack,
      `{ companies(first: 1000) { edges { node {
          all: notes(orderBy: [{ field: TITLE, direction: DESC }]) { totalCount edges { node { id title } } }
          one: notes(first: 1, orderBy: [{ field: TITLE, direction: DESC }]) { totalCount edges { node { id } } }
      } } } }`,
    );
    for (const company of nodes(data.companies)) {
      const titles = nodes(company.all).map((n) => n.title as string);
      expect(titles).toEqual([...titles].sort().reverse());
      expect(idsOf(nodes(company.one))).toEqual(idsOf(nodes(company.all)).slice(0, 1));
      expect(company.one.totalCount).toBe(company.all.totalCount);
    }
  });
});
