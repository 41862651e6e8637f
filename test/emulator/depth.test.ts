// Conformance: twenty-rest.md §6 (depth 0 and 1, nested relations, the 60-item cap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMany, createOne, expectBadRequest, fetchAll, list, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

const COMPANY_RELATIONS = ['people', 'opportunities', 'noteTargets', 'taskTargets', 'accountOwner'];
const PERSON_RELATIONS = ['company', 'pointOfContactForOpportunities', 'noteTargets', 'taskTargets'];

let em: Emulator;
let big: Rec;

beforeAll(async () => {
  em = await startTestEmulator({ companies: 10 });
  // A company with 61+ people, to see the one-to-many cap of 60.
  big = await createOne(em, 'companies', { name: 'Depth Big Co' });
  for (let batch = 0; batch < 2; batch++) {
    await createMany(
      em,
      'people',
      Array.from({ length: 35 }, (_, i) => ({ name: { firstName: `Emp${batch}`, lastName: `N${i}` }, companyId: big.id })),
    );
  }
});
afterAll(() => em?.close());

describe('§6 depth', () => {
  it('depth 0 (the default) has foreign keys but no relation objects', async () => {
    const { records } = await list(em, 'people', { filter: 'companyId[is]:NOT_NULL', limit: 1 });
    const person = records[0];
    expect(typeof person.companyId).toBe('string');
    for (const rel of PERSON_RELATIONS) expect(person, rel).not.toHaveProperty(rel);
    const explicit = await list(em, 'people', { filter: `id[eq]:${person.id}`, depth: 0 });
    expect(explicit.records[0]).toEqual(person);
  });

  it('depth 0 keeps composite fields as nested objects', async () => {
    const { records } = await list(em, 'people', { limit: 1 });
    expect(records[0].name).toEqual({ firstName: expect.any(String), lastName: expect.any(String) });
    expect(records[0].emails).toHaveProperty('primaryEmail');
  });

  it('depth 1 nests a many-to-one relation as an object (person.company)', async () => {
    const { records } = await list(em, 'people', { filter: 'companyId[is]:NOT_NULL', limit: 5, depth: 1 });
    for (const p of records) {
      expect(p.company.id).toBe(p.companyId);
      expect(typeof p.company.name).toBe('string');
    }
  });

  it('depth 1 on find one nests relations too', async () => {
    const { records } = await list(em, 'people', { filter: 'companyId[is]:NOT_NULL', limit: 1 });
    const res = await rest(em, `/rest/people/${records[0].id}?depth=1`);
    expect(res.body.data.person.company.id).toBe(records[0].companyId);
    expect(Array.isArray(res.body.data.person.pointOfContactForOpportunities)).toBe(true);
  });

  it('depth 1 adds one-to-many relations as plain arrays (company.people)', async () => {
    const companies = await fetchAll(em, 'companies');
    const people = await fetchAll(em, 'people');
    const small = companies.find((c) => c.id !== big.id && people.some((p) => p.companyId === c.id))!;
    const res = await rest(em, `/rest/companies/${small.id}?depth=1`);
    const nested = res.body.data.company.people;
    expect(Array.isArray(nested)).toBe(true);
    expect(nested.map((p: Rec) => p.id).sort()).toEqual(people.filter((p) => p.companyId === small.id).map((p) => p.id).sort());
    for (const rel of COMPANY_RELATIONS.filter((r) => r !== 'accountOwner')) {
      expect(Array.isArray(res.body.data.company[rel]), rel).toBe(true);
    }
  });

  it('depth 1 adds person.pointOfContactForOpportunities', async () => {
    const opps = await fetchAll(em, 'opportunities', { filter: 'pointOfContactId[is]:NOT_NULL' });
    const personId = opps[0].pointOfContactId;
    const res = await rest(em, `/rest/people/${personId}?depth=1`);
    expect(res.body.data.person.pointOfContactForOpportunities.map((o: Rec) => o.id).sort()).toEqual(
      opps.filter((o) => o.pointOfContactId === personId).map((o) => o.id).sort(),
    );
  });

  it('depth 1 nests the workspace member owner of an opportunity', async () => {
    const { records } = await list(em, 'opportunities', { filter: 'ownerId[is]:NOT_NULL', limit: 1, depth: 1 });
    expect(records[0].owner.id).toBe(records[0].ownerId);
  });

  it('depth 1 nests the note and the target of a noteTarget', async () => {
    const { records } = await list(em, 'noteTargets', { depth: 1, limit: 20 });
    expect(records.length).toBeGreaterThan(0);
    for (const t of records) {
      expect(t.note.id).toBe(t.noteId);
      for (const kind of ['Person', 'Company', 'Opportunity']) {
        const fk = t[`target${kind}Id`];
        if (fk) expect(t[`target${kind}`].id).toBe(fk);
        else expect(t[`target${kind}`]).toBeNull();
      }
    }
  });

  it('caps a one-to-many array at 60 items', async () => {
    const all = await list(em, 'people', { filter: `companyId[eq]:${big.id}`, limit: 1 });
    expect(all.totalCount).toBe(70);
    const res = await rest(em, `/rest/companies/${big.id}?depth=1`);
    expect(res.body.data.company.people.length).toBe(60);
  });

  it('caps one-to-many arrays at 60 in lists too', async () => {
    const res = await list(em, 'companies', { filter: `id[eq]:${big.id}`, depth: 1 });
    expect(res.records[0].people.length).toBe(60);
  });

  it('nested records carry no further relations', async () => {
    const res = await rest(em, `/rest/companies/${big.id}?depth=1`);
    for (const p of res.body.data.company.people) {
      for (const rel of PERSON_RELATIONS) expect(p, rel).not.toHaveProperty(rel);
    }
    const { records } = await list(em, 'people', { filter: 'companyId[is]:NOT_NULL', limit: 3, depth: 1 });
    for (const p of records) {
      for (const rel of COMPANY_RELATIONS) expect(p.company, rel).not.toHaveProperty(rel);
    }
  });

  it("rejects depth=2 with 400 \"'depth=2' parameter invalid. Allowed values are 0, 1\"", async () => {
    expectBadRequest(await rest(em, '/rest/people?depth=2'), "'depth=2' parameter invalid. Allowed values are 0, 1");
  });

  it('rejects a non-number depth with 400', async () => {
    expectBadRequest(await rest(em, '/rest/people?depth=deep'), "'depth=deep' parameter invalid. Allowed values are 0, 1");
  });
});
