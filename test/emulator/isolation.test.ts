// Workspace isolation (issue 2): a key of one workspace never sees or touches the other's records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOne, fetchAll, list, qs, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

let em: Emulator;
let acme: Rec[];
let globex: Rec[];

beforeAll(async () => {
  em = await startTestEmulator({ companies: 10 });
  acme = await fetchAll(em, 'companies', {}, em.keys.acme);
  globex = await fetchAll(em, 'companies', {}, em.keys.globex);
});
afterAll(() => em?.close());

describe('workspace isolation', () => {
  it('gives each workspace its own non-empty data', () => {
    expect(acme.length).toBeGreaterThan(0);
    expect(globex.length).toBeGreaterThan(0);
  });

  it('never lists the other workspace’s ids', () => {
    const a = new Set(acme.map((c) => c.id));
    for (const c of globex) expect(a.has(c.id)).toBe(false);
  });

  it('answers 404 for the other workspace’s id', async () => {
    const res = await rest(em, `/rest/companies/${globex[0].id}`, { key: em.keys.acme });
    expect(res.status).toBe(404);
  });

  it('never matches the other workspace’s ids by filter', async () => {
    const filter = `id[in]:[${globex.slice(0, 5).map((c) => c.id).join(',')}]`;
    const page = await list(em, 'companies', { filter }, em.keys.acme);
    expect(page.records).toEqual([]);
    expect(page.totalCount).toBe(0);
  });

  it('cannot update the other workspace’s record, one or many', async () => {
    const target = globex[0];
    expect((await rest(em, `/rest/companies/${target.id}`, { method: 'PATCH', key: em.keys.acme, body: { name: 'Hijacked' } })).status).toBe(404);
    const many = await rest(em, `/rest/companies${qs({ filter: `id[eq]:${target.id}` })}`, {
      method: 'PATCH',
      key: em.keys.acme,
      body: { name: 'Hijacked' },
    });
    expect(many.status).toBe(200);
    expect(many.body.data.updateCompanies).toEqual([]);
    const after = await rest(em, `/rest/companies/${target.id}`, { key: em.keys.globex });
    expect(after.body.data.company.name).toBe(target.name);
  });

  it('cannot delete the other workspace’s record, one or many', async () => {
    const target = globex[1];
    expect((await rest(em, `/rest/companies/${target.id}`, { method: 'DELETE', key: em.keys.acme })).status).toBe(404);
    const many = await rest(em, `/rest/companies${qs({ filter: `id[eq]:${target.id}` })}`, { method: 'DELETE', key: em.keys.acme });
    expect(many.status).toBe(200);
    expect(many.body.data.deleteCompanies).toEqual([]);
    expect((await rest(em, `/rest/companies/${target.id}`, { key: em.keys.globex })).status).toBe(200);
  });

  it('cannot restore the other workspace’s soft-deleted record', async () => {
    const mine = await createOne(em, 'companies', { name: 'Globex Only' }, em.keys.globex);
    await rest(em, `/rest/companies/${mine.id}?soft_delete=true`, { method: 'DELETE', key: em.keys.globex });
    const res = await rest(em, `/rest/companies/${mine.id}/restore`, { method: 'PATCH', key: em.keys.acme });
    expect(res.status).toBe(404);
  });

  it('keeps a record created by one workspace out of the other', async () => {
    const made = await createOne(em, 'companies', { name: 'Acme Only Co' }, em.keys.acme);
    expect((await rest(em, `/rest/companies/${made.id}`, { key: em.keys.globex })).status).toBe(404);
    const byName = await list(em, 'companies', { filter: 'name[eq]:"Acme Only Co"' }, em.keys.globex);
    expect(byName.records).toEqual([]);
  });

  it('isolates every object, relations included', async () => {
    for (const plural of ['people', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets', 'workspaceMembers']) {
      const a = new Set((await fetchAll(em, plural, {}, em.keys.acme)).map((r) => r.id));
      const g = await fetchAll(em, plural, {}, em.keys.globex);
      expect(g.length, plural).toBeGreaterThan(0);
      for (const r of g) expect(a.has(r.id), plural).toBe(false);
    }
    const people = await list(em, 'people', { depth: 1, filter: 'companyId[is]:NOT_NULL', limit: 20 }, em.keys.acme);
    const acmeIds = new Set(acme.map((c) => c.id));
    for (const p of people.records) expect(acmeIds.has(p.company.id)).toBe(true);
  });

  it('keeps groupBy within the workspace', async () => {
    const a = await fetchAll(em, 'opportunities', {}, em.keys.acme);
    const res = await rest(em, `/rest/opportunities/groupBy${qs({ group_by: '[{"stage":true}]', aggregate: '["totalCount"]' })}`);
    expect(res.body.reduce((s: number, g: Rec) => s + g.totalCount, 0)).toBe(a.length);
  });
});
