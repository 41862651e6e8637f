/**
 * `_entities` asked directly, as a router does: representations resolved through the request's
 * loaders at the REST floor, counted in the emulator's request log.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMany } from '../emulator/helpers.js';
import { callsDuring, pages, perObject, restAll, type Rec } from '../graphql/helpers.js';
import { startStack, type Stack } from '../support/stack.js';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Company { id name domainName { primaryLinkUrl } customFields }
    ... on Person { id emails { primaryEmail } }
    ... on Opportunity { id }
    ... on Note { id }
    ... on Task { id }
    ... on WorkspaceMember { id }
  }
}`;

const company = (id: string) => ({ __typename: 'Company', id });
const person = (primaryEmail: string | null) => ({ __typename: 'Person', emails: { primaryEmail } });
const byDomain = (primaryLinkUrl: string) => ({ __typename: 'Company', domainName: { primaryLinkUrl } });

describe('_entities', () => {
  let stack: Stack;
  const all: Record<string, Rec[]> = {};

  beforeAll(async () => {
    // DEBUG_UPSTREAM on too: the subgraph mode is the same server, with the same plugins.
    stack = await startStack({ emulator: { companies: 120 }, config: { federation: true, debugUpstream: true } });
    for (const plural of ['companies', 'people', 'opportunities', 'notes', 'tasks', 'workspaceMembers']) {
      all[plural] = await restAll(stack, plural);
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function entities(representations: unknown[], query = ENTITIES) {
    let response: Awaited<ReturnType<Stack['query']>> | undefined;
    const calls = await callsDuring(stack, async () => {
      response = await stack.query(query, { representations });
    });
    expect(response!.status).toBe(200);
    const { data, errors, extensions } = response!.body;
    return { data: (data as Rec | undefined)?._entities as Rec[], errors, extensions, calls };
  }

  /** Representations by one key: `expected` in the order asked, from one call of `plural` filtered as `filter`. */
  async function expectFoundInOneCall(representations: unknown[], expected: Rec[], plural: string, filter: RegExp) {
    const { data, errors, calls } = await entities(representations);
    expect(errors).toBeUndefined();
    expect(data.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(perObject(calls)).toEqual({ [plural]: 1 });
    expect(String(calls[0].query.filter)).toMatch(filter);
  }

  it('resolves 100 companies by id in one id[in] call, in the order asked, whatever the case of the ids', async () => {
    const companies = all.companies.slice(0, 100).reverse();
    const ids = companies.map((c, i) => (i % 3 === 0 ? c.id.toUpperCase() : c.id));
    const { data, errors, extensions, calls } = await entities(ids.map(company));
    expect(errors).toBeUndefined();
    expect(extensions?.upstream).toMatchObject({ calls: 1 });
    expect(data.map((c) => c.id)).toEqual(companies.map((c) => c.id));
    expect(data.map((c) => c.name)).toEqual(companies.map((c) => c.name));
    // @apollo/subgraph tags each record with a hidden __typename: it must not surface as a custom field.
    expect(data.map((c) => c.customFields)).toEqual(companies.map(() => ({})));
    expect(perObject(calls)).toEqual({ companies: 1 });
    expect(String(calls[0].query.filter)).toMatch(/^id\[in\]:\[/);
  });

  it("loads the companies' people as a companies list does: one call per 200 people", async () => {
    const companies = all.companies.slice(0, 100);
    const ids = new Set(companies.map((c) => c.id));
    const people = all.people.filter((p) => ids.has(p.companyId));
    expect(people.length).toBeGreaterThan(200);
    const { data, errors, calls } = await entities(
      companies.map((c) => company(c.id)),
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Company { id people { totalCount edges { node { id } } } } } }',
    );
    expect(errors).toBeUndefined();
    for (const [i, c] of companies.entries()) {
      expect(data[i].people.edges.map((e: Rec) => e.node.id).sort()).toEqual(people.filter((p) => p.companyId === c.id).map((p) => p.id).sort());
    }
    expect(perObject(calls)).toEqual({ companies: 1, people: pages(people.length) });
  });

  it('answers null for unknown ids, domains and emails, with no error for their neighbours', async () => {
    const [a, b] = all.companies;
    const { data, errors, calls } = await entities([
      company(a.id),
      company(randomUUID()),
      byDomain('https://no-such-company.example'),
      person('nobody@no-such-company.example'),
      person(null),
      person(''),
      company(b.id),
    ]);
    expect(errors).toBeUndefined();
    expect(data.map((e) => e?.id ?? null)).toEqual([a.id, null, null, null, null, null, b.id]);
    expect(perObject(calls)).toEqual({ companies: 2, people: 1 });
  });

  it('costs one call per type for representations of several types', async () => {
    const pick = (plural: string, n: number) => all[plural].slice(0, n).map((r) => r.id as string);
    const representations = [
      ...pick('companies', 3).map(company),
      ...pick('people', 3).map((id) => ({ __typename: 'Person', id })),
      ...pick('opportunities', 2).map((id) => ({ __typename: 'Opportunity', id })),
      ...pick('notes', 2).map((id) => ({ __typename: 'Note', id })),
      ...pick('tasks', 2).map((id) => ({ __typename: 'Task', id })),
      ...pick('workspaceMembers', 2).map((id) => ({ __typename: 'WorkspaceMember', id })),
    ];
    // Interleaved, so batching cannot lean on the order.
    representations.sort((x, y) => x.id.localeCompare(y.id));
    const { data, errors, calls } = await entities(representations);
    expect(errors).toBeUndefined();
    expect(data.map((e) => [e.__typename, e.id])).toEqual(representations.map((r) => [r.__typename, r.id]));
    expect(perObject(calls)).toEqual({ companies: 1, people: 1, opportunities: 1, notes: 1, tasks: 1, workspaceMembers: 1 });
  });

  it('fails a representation with a malformed id, or with no key, at its own index only', async () => {
    const [a, b] = all.companies;
    const { data, errors, calls } = await entities([
      company(a.id),
      company('not-a-uuid'),
      { __typename: 'Person', name: { firstName: 'Ann' } },
      company(b.id),
    ]);
    expect(data.map((e) => e?.id ?? null)).toEqual([a.id, null, null, b.id]);
    expect(errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
    expect(errors![0].message).toContain('not-a-uuid');
    expect(errors![1].message).toContain('emails { primaryEmail }');
    expect(perObject(calls)).toEqual({ companies: 1 });
  });

  it('finds people by primary email in one emails.primaryEmail[in] call, in any case', async () => {
    const people = all.people.slice(0, 120);
    const emails = people.map((p, i) => (i % 4 === 0 ? p.emails.primaryEmail.toUpperCase() : p.emails.primaryEmail) as string);
    await expectFoundInOneCall(emails.map(person), people, 'people', /^emails\.primaryEmail\[in\]:\["/);
  });

  it('finds companies by domain in one domainName.primaryLinkUrl[in] call, however the host is cased or slashed', async () => {
    const companies = all.companies.slice(10, 60);
    const urls = companies.map((c, i) => {
      const url = c.domainName.primaryLinkUrl as string;
      return i % 2 === 0 ? `${url.toUpperCase()}/` : url;
    });
    await expectFoundInOneCall(urls.map(byDomain), companies, 'companies', /^domainName\.primaryLinkUrl\[in\]:\["/);
  });

  it('resolves entities found by different keys together, so their relations share one call each', async () => {
    const companies = all.companies.slice(0, 10);
    const people = all.people.filter((p) => companies.slice(0, 5).some((c) => c.id === p.companyId)).slice(0, 5);
    const representations = [
      ...companies.slice(0, 5).map((c) => company(c.id)),
      ...companies.slice(5).map((c) => byDomain(c.domainName.primaryLinkUrl)),
      ...people.map((p) => person(p.emails.primaryEmail)),
    ];
    const { data, errors, calls } = await entities(
      representations,
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Company { id people { totalCount } } ... on Person { id company { id name } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.map((e) => e.id)).toEqual([...companies, ...people].map((r) => r.id));
    expect(data.slice(10).map((p) => p.company.id)).toEqual(people.map((p) => p.companyId));
    // Lookups: companies by id, companies by domain, people by email; then one call for all ten
    // companies' people. The people's companies were among those just found: no further call.
    expect(perObject(calls)).toEqual({ companies: 2, people: 2 });
  });

  it('never lets a key become filter syntax: keys Twenty cannot read exactly cost their own call and match exactly', async () => {
    const [odd] = await createMany(stack.emulator, 'people', [
      { name: { firstName: 'Odd', lastName: 'Address' }, emails: { primaryEmail: 'o(dd),"x"\'s@weird.example', additionalEmails: [] } },
    ]);
    const [comma] = await createMany(stack.emulator, 'people', [
      { name: { firstName: 'Comma', lastName: 'Address' }, emails: { primaryEmail: 'a,b@weird.example', additionalEmails: [] } },
    ]);
    const plain = all.people[0];
    const { data, errors, calls } = await entities([
      person(plain.emails.primaryEmail),
      person('o(dd),"x"\'s@weird.example'),
      // Same length and shape as the odd address: the wide pattern's extra candidate is dropped.
      person('o(dd),"y"\'s@weird.example'),
      person('a,b@weird.example'),
      person('x]),or(id[is]:NOT_NULL'),
    ]);
    expect(errors).toBeUndefined();
    expect(data.map((p) => p?.id ?? null)).toEqual([plain.id, odd.id, null, comma.id, null]);
    // The sayable keys share one call (the comma one as an eq beside the in-list); each other key has its own.
    expect(perObject(calls)).toEqual({ people: 4 });
    expect(calls.every((call) => call.status === 200)).toBe(true);
  });
});
