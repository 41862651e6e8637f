// The `legacy` option: the older server shapes of twenty-rest.md §1, §2, §3 and §10.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOne, encodeCursor, fetchAll, list, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

let em: Emulator;
let people: Rec[];

beforeAll(async () => {
  // Older servers: legacy shapes, and their page limit of 60 unless pageLimit says otherwise.
  em = await startTestEmulator({ companies: 20, legacy: true });
  people = await fetchAll(em, 'people');
});
afterAll(() => em?.close());

describe('legacy servers', () => {
  it('omit hasPreviousPage when it is false (§2)', async () => {
    const first = await list(em, 'people', { limit: 5 });
    expect(first.pageInfo).not.toHaveProperty('hasPreviousPage');
    expect(first.pageInfo.hasNextPage).toBe(true);
  });

  it('send hasPreviousPage when it is true (§2)', async () => {
    const next = await list(em, 'people', { limit: 5, starting_after: encodeCursor({ id: people[4].id }) });
    expect(next.pageInfo.hasPreviousPage).toBe(true);
  });

  it('name target fields personId, companyId, opportunityId (§10, before v1.17)', async () => {
    const targets = [...(await fetchAll(em, 'noteTargets')), ...(await fetchAll(em, 'taskTargets'))];
    expect(targets.length).toBeGreaterThan(0);
    const keys = new Set(targets.flatMap((t) => Object.keys(t)));
    for (const k of ['personId', 'companyId', 'opportunityId']) expect(keys.has(k), k).toBe(true);
    for (const k of ['targetPersonId', 'targetCompanyId', 'targetOpportunityId']) expect(keys.has(k), k).toBe(false);
    const withPerson = targets.find((t) => t.personId)!;
    const filtered = await list(em, 'noteTargets', { filter: `personId[eq]:${withPerson.personId}` });
    expect(filtered.records.every((t) => t.personId === withPerson.personId)).toBe(true);
  });

  it('restore at PATCH /rest/restore/{plural}/{id} (§1)', async () => {
    const c = await createOne(em, 'companies', { name: 'Legacy Restore' });
    await rest(em, `/rest/companies/${c.id}?soft_delete=true`, { method: 'DELETE' });
    const res = await rest(em, `/rest/restore/companies/${c.id}`, { method: 'PATCH' });
    expect(res.status).toBe(200);
    expect(res.body.data.restoreCompany).toMatchObject({ id: c.id, deletedAt: null });
    expect((await list(em, 'companies', { filter: `id[eq]:${c.id}` })).records.length).toBe(1);
  });

  it('have no groupBy route: the segment is read as an id (§1, absent before late 2025)', async () => {
    const res = await rest(em, '/rest/opportunities/groupBy?group_by=%5B%7B%22stage%22%3Atrue%7D%5D');
    expect(res.status).toBe(400);
  });

  it('clamp limit to 60 (§3, older page limit)', async () => {
    const page = await list(em, 'people', { limit: 200 });
    expect(page.records.length).toBe(60);
    expect(page.totalCount).toBe(people.length);
  });
});

describe('pageLimit option', () => {
  it('clamps limit to the configured page limit', async () => {
    const small = await startTestEmulator({ companies: 10, pageLimit: 25 });
    try {
      expect((await list(small, 'people', { limit: 100 })).records.length).toBe(25);
    } finally {
      await small.close();
    }
  });
});
