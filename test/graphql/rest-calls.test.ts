/**
 * What each query shape costs upstream with plain per-relation batching (QUERY_PLANNER=off, the
 * floor the planner starts from: test/planner/ shows what it saves), counted in the emulator's
 * request log the way dataloader's own tests record batches: per relation, one REST call per page
 * of the records it needs (pages of 200 here, 60 on an older server), never one per parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { callsDuring, gql, isMetadata, nodes, pages, perObject, restAll, type Rec } from './helpers.js';

const distinct = (values: unknown[]) => [...new Set(values.filter((v) => v !== null && v !== undefined))] as string[];

/** The ids inside an `x[in]:[…]` filter of one logged call. */
const inIds = (call: Rec): string[] => /\[in\]:\[([^\]]*)\]/.exec(String(call.query.filter ?? ''))?.[1].split(',') ?? [];

describe('on a current server (200 records a page)', () => {
  let stack: Stack;
  const all: Record<string, Rec[]> = {};

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 60 }, config: { planner: { enabled: false, disabled: [] } } });
    for (const plural of ['companies', 'people', 'opportunities', 'noteTargets', 'notes', 'tasks']) {
      all[plural] = await restAll(stack, plural);
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('costs 1 + owners + people + opportunities + unseen contacts pages for companies with owners, people and opportunities with contacts', async () => {
    const companies = all.companies.slice(0, 60);
    const ids = new Set(companies.map((c) => c.id));
    const owners = distinct(companies.map((c) => c.accountOwnerId));
    const people = all.people.filter((p) => ids.has(p.companyId));
    const opportunities = all.opportunities.filter((o) => ids.has(o.companyId));
    // Contacts already loaded as some company's people are served from the request's cache.
    const seen = new Set(people.map((p) => p.id));
    const contacts = distinct(opportunities.map((o) => o.pointOfContactId)).filter((id) => !seen.has(id));
    expect(people.length).toBeGreaterThan(60);
    expect(opportunities.length).toBeGreaterThan(20);

    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `{ companies(first: 60) { edges { node {
            accountOwner { id }
            people { edges { node { id } } }
            opportunities { edges { node { pointOfContact { id } } } }
        } } } }`,
      );
    });
    expect(nodes(data.companies)).toHaveLength(60);
    expect(calls.filter(isMetadata).length).toBeLessThanOrEqual(1);
    const expected = 1 + pages(owners.length) + pages(people.length) + pages(opportunities.length) + (contacts.length ? pages(contacts.length) : 0);
    expect(calls.filter((c) => !isMetadata(c)).length).toBe(expected);
    expect(perObject(calls)).toEqual({
      companies: 1,
      workspaceMembers: pages(owners.length),
      people: pages(people.length) + (contacts.length ? pages(contacts.length) : 0),
      opportunities: pages(opportunities.length),
    });
  });

  it('reaches notes through targets and their targets back to records in one call per relation', async () => {
    const companies = all.companies.slice(0, 60);
    const ids = new Set(companies.map((c) => c.id));
    const companyTargets = all.noteTargets.filter((t) => ids.has(t.targetCompanyId));
    const noteIds = distinct(companyTargets.map((t) => t.noteId));
    const targetsOfNotes = all.noteTargets.filter((t) => noteIds.includes(t.noteId));
    const persons = distinct(targetsOfNotes.map((t) => t.targetPersonId));
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(
        stack,
        `{ companies(first: 60) { edges { node { notes { edges { node { id title targets { company { id } person { id } } } } } } } } }`,
      );
    });
    expect(nodes(data.companies).some((c) => c.notes.edges.length > 0)).toBe(true);
    expect(calls.filter(isMetadata).length).toBeLessThanOrEqual(1);
    // Every target's company is one of the 60 listed (already primed); people are fetched once.
    expect(perObject(calls)).toEqual({
      companies: 1,
      noteTargets: pages(companyTargets.length) + pages(targetsOfNotes.length),
      notes: pages(noteIds.length),
      people: pages(persons.length),
    });
  });

  it('loads the assignees of 100 tasks in one call', async () => {
    const tasks = all.tasks.slice(0, 100);
    const assignees = distinct(tasks.map((t) => t.assigneeId));
    expect(assignees.length).toBeGreaterThan(1);
    const calls = await callsDuring(stack, () => gql(stack, '{ tasks(first: 100) { edges { node { assignee { id } } } } }'));
    expect(perObject(calls)).toEqual({ tasks: 1, workspaceMembers: 1 });
    expect(inIds(calls.find((c) => c.object === 'workspaceMembers')!).sort()).toEqual(assignees.sort());
  });

  it('goes person → company → opportunities with one call per hop', async () => {
    const people = all.people.slice(0, 150);
    const companies = distinct(people.map((p) => p.companyId));
    const opportunities = all.opportunities.filter((o) => companies.includes(o.companyId));
    const calls = await callsDuring(stack, () =>
      gql(stack, '{ people(first: 150) { edges { node { company { opportunities { totalCount edges { node { id } } } } } } } }'),
    );
    expect(perObject(calls)).toEqual({ people: 1, companies: pages(companies.length), opportunities: pages(opportunities.length) });
  });

  it('serves a record already listed in the request from the cache instead of fetching it again', async () => {
    const calls = await callsDuring(stack, () =>
      gql(stack, '{ companies(first: 60) { edges { node { people { edges { node { company { id name } } } } } } } }'),
    );
    // Every person's company is one of the 60 just listed: no `companies?filter=id[in]…` call.
    expect(perObject(calls).companies).toBe(1);
  });

  it('shares one call between aliases with the same arguments and makes one more for a different filter', async () => {
    const calls = await callsDuring(stack, () =>
      gql(
        stack,
        `{ companies(first: 60) { edges { node {
            a: people { totalCount } b: people { totalCount } c: people(first: 1) { totalCount }
            d: people(filter: { jobTitle: { isNull: false } }) { totalCount }
        } } } }`,
      ),
    );
    const people = all.people.filter((p) => all.companies.slice(0, 60).some((c) => c.id === p.companyId));
    expect(perObject(calls)).toEqual({ companies: 1, people: pages(people.length) + pages(people.filter((p) => p.jobTitle !== null).length) });
  });

  it('reads the workspace metadata at most once per token for stage and status labels', async () => {
    const query = '{ opportunities(first: 50) { edges { node { stageInfo { label } } } } tasks(first: 50) { edges { node { statusInfo { label } } } } }';
    const first = await callsDuring(stack, () => gql(stack, query));
    const second = await callsDuring(stack, () => gql(stack, query));
    expect(first.filter(isMetadata).length + second.filter(isMetadata).length).toBeLessThanOrEqual(1);
    expect(second.filter(isMetadata)).toEqual([]);
  });
});

describe('on an older server (60 records a page)', () => {
  let stack: Stack;
  const all: Record<string, Rec[]> = {};

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 150, pageLimit: 60 }, config: { planner: { enabled: false, disabled: [] } } });
    for (const plural of ['companies', 'people']) all[plural] = await restAll(stack, plural);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('pages a root list of 150 in pages of 60 and loads its companies in chunks of at most 60 ids', async () => {
    const people = all.people.slice(0, 150);
    const companies = distinct(people.map((p) => p.companyId));
    expect(companies.length).toBeGreaterThan(60);
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, '{ people(first: 150) { totalCount edges { node { id company { id } } } } }');
    });
    expect(nodes(data.people).map((p) => p.id)).toEqual(people.map((p) => p.id));
    expect(nodes(data.people).map((p) => p.company?.id ?? null)).toEqual(people.map((p) => p.companyId ?? null));
    const companyCalls = calls.filter((c) => c.object === 'companies');
    expect(perObject(calls)).toEqual({ people: 3, companies: pages(companies.length, 60) });
    for (const call of companyCalls) expect(inIds(call).length).toBeLessThanOrEqual(60);
    expect(companyCalls.flatMap(inIds).sort()).toEqual([...companies].sort());
  });

  it('loads the people of 150 companies in chunks of 60 parents, each paged until complete', async () => {
    const companies = all.companies.slice(0, 150);
    const chunks = [companies.slice(0, 60), companies.slice(60, 120), companies.slice(120)];
    const expectedPeopleCalls = chunks
      .map((chunk) => new Set(chunk.map((c) => c.id)))
      .reduce((sum, ids) => sum + pages(all.people.filter((p) => ids.has(p.companyId)).length, 60), 0);
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, '{ companies(first: 150) { edges { node { id people { totalCount edges { node { id } } } } } } }');
    });
    for (const company of nodes(data.companies)) {
      expect(company.people.totalCount).toBe(all.people.filter((p) => p.companyId === company.id).length);
    }
    expect(perObject(calls)).toEqual({ companies: 3, people: expectedPeopleCalls });
    for (const call of calls.filter((c) => c.object === 'people')) expect(inIds(call).length).toBeLessThanOrEqual(60);
  });

  it('reads last: 130 of a root list backward in pages of 60, in normal order', async () => {
    const ids = all.companies.map((c) => c.id as string);
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, '{ companies(last: 130, orderBy: [{ field: NAME }]) { totalCount edges { node { id } } } }');
    });
    const byName = await restAll(stack, 'companies', { order_by: 'name' });
    expect(nodes(data.companies).map((c) => c.id)).toEqual(byName.slice(-130).map((c) => c.id));
    expect(data.companies.totalCount).toBe(ids.length);
    expect(perObject(calls)).toEqual({ companies: 3 });
  });

  it('reads last: 100 before a cursor in pages of 60', async () => {
    const all150 = await gql(stack, '{ companies(first: 150) { edges { cursor node { id } } } }');
    const edges = all150.companies.edges as Rec[];
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, `{ companies(last: 100, before: "${edges[140].cursor}") { pageInfo { hasPreviousPage hasNextPage } edges { node { id } } } }`);
    });
    expect(nodes(data.companies).map((c) => c.id)).toEqual(edges.slice(40, 140).map((e) => e.node.id));
    expect(data.companies.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: true });
    expect(perObject(calls)).toEqual({ companies: 2 });
  });

  it('merges notes fetched in several 60-id chunks back into each company\'s order', async () => {
    const [targets, notes] = [await restAll(stack, 'noteTargets'), await restAll(stack, 'notes')];
    const companies = all.companies.slice(0, 150);
    const noteIds = distinct(targets.filter((t) => companies.some((c) => c.id === t.targetCompanyId)).map((t) => t.noteId));
    expect(noteIds.length).toBeGreaterThan(60);
    let data: Rec = {};
    const calls = await callsDuring(stack, async () => {
      data = await gql(stack, '{ companies(first: 150) { edges { node { id notes(orderBy: [{ field: TITLE, direction: DESC }]) { edges { node { id } } } } } } }');
    });
    const titleOf = new Map(notes.map((n) => [n.id, n.title as string]));
    for (const company of nodes(data.companies)) {
      const expected = distinct(targets.filter((t) => t.targetCompanyId === company.id).map((t) => t.noteId)).sort((a, b) => {
        const [x, y] = [titleOf.get(a)!, titleOf.get(b)!];
        return x < y ? 1 : x > y ? -1 : a < b ? -1 : 1;
      });
      expect(nodes(company.notes).map((n) => n.id)).toEqual(expected);
    }
    expect(perObject(calls).notes).toBe(pages(noteIds.length, 60));
    for (const call of calls.filter((c) => c.object === 'notes')) expect(inIds(call).length).toBeLessThanOrEqual(60);
  });
});
