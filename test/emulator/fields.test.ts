// Conformance: twenty-rest.md §13 `fields=`, as current servers read it; older servers ignore it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadRequest, list, rest, startTestEmulator, type Emulator } from './helpers.js';

let em: Emulator;
let legacy: Emulator;

beforeAll(async () => {
  em = await startTestEmulator({ companies: 10 });
  legacy = await startTestEmulator({ companies: 10, legacy: true });
});
afterAll(async () => {
  await em?.close();
  await legacy?.close();
});

describe('§13 fields=', () => {
  it('returns only the fields named, and always the id', async () => {
    const { records, totalCount } = await list(em, 'people', { fields: 'name,jobTitle', limit: 3 });
    expect(totalCount).toBe(50);
    for (const person of records) expect(Object.keys(person).sort()).toEqual(['id', 'jobTitle', 'name']);
  });

  it('selects a many-to-one by its relation name: the foreign key, and the nested record at depth 1', async () => {
    const flat = await list(em, 'people', { fields: 'company', limit: 2 });
    expect(Object.keys(flat.records[0]).sort()).toEqual(['companyId', 'id']);
    const deep = await list(em, 'people', { fields: 'company', depth: 1, filter: 'companyId[is]:NOT_NULL', limit: 2 });
    expect(Object.keys(deep.records[0]).sort()).toEqual(['company', 'companyId', 'id']);
    expect(deep.records[0].company.id).toBe(deep.records[0].companyId);
    // Nested records come whole.
    expect(deep.records[0].company).toHaveProperty('createdAt');
  });

  it('expands at depth 1 only the relations named', async () => {
    const { records } = await list(em, 'companies', { fields: 'name,people', depth: 1, limit: 2 });
    expect(Object.keys(records[0]).sort()).toEqual(['id', 'name', 'people']);
    expect(Array.isArray(records[0].people)).toBe(true);
  });

  it('trims find one, creates and restores too', async () => {
    const { records } = await list(em, 'companies', { limit: 1 });
    const one = await rest(em, `/rest/companies/${records[0].id}?fields=name`);
    expect(Object.keys(one.body.data.company).sort()).toEqual(['id', 'name']);
    const created = await rest(em, '/rest/companies?fields=name', { method: 'POST', body: { name: 'Trimmed Inc', employees: 3 } });
    expect(created.body.data.createCompany).toEqual({ id: expect.any(String), name: 'Trimmed Inc' });
  });

  it('refuses unknown names, one-to-many relations without depth=1 and an empty list, before writing', async () => {
    expectBadRequest(await rest(em, '/rest/people?fields=name,shoeSize'), "'fields' parameter invalid. Unknown or unreadable fields on 'person': shoeSize");
    expectBadRequest(await rest(em, '/rest/companies?fields=people'), "'fields' parameter invalid. One-to-many relation fields on 'company' are only returned with depth=1: people");
    expectBadRequest(await rest(em, '/rest/companies?fields=,'), "'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name");
    const before = (await list(em, 'companies', { limit: 0 })).totalCount;
    expectBadRequest(await rest(em, '/rest/companies?fields=nope', { method: 'POST', body: { name: 'Never' } }), "'fields' parameter invalid. Unknown or unreadable fields on 'company': nope");
    expect((await list(em, 'companies', { limit: 0 })).totalCount).toBe(before);
  });

  it('is ignored by an older server', async () => {
    const { records } = await list(legacy, 'people', { fields: 'name', limit: 1 });
    expect(records[0]).toHaveProperty('jobTitle');
    expect(records[0]).toHaveProperty('createdAt');
  });
});
