// Conformance: twenty-rest.md §1 (routes, path errors) and §2 (response shapes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMany,
  createOne,
  expectBadRequest,
  expectError,
  fetchAll,
  list,
  qs,
  rest,
  startTestEmulator,
  tag,
  type Emulator,
} from './helpers.js';

const PLURALS = ['companies', 'people', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets', 'workspaceMembers'];
const SINGULARS: Record<string, string> = {
  companies: 'company',
  people: 'person',
  opportunities: 'opportunity',
  notes: 'note',
  tasks: 'task',
  noteTargets: 'noteTarget',
  taskTargets: 'taskTarget',
  workspaceMembers: 'workspaceMember',
};
const MISSING_ID = '0b3e5c2a-9f1d-4e8a-b7c6-1d2e3f4a5b6c';

let em: Emulator;
beforeAll(async () => {
  // 50 companies → 250 people, enough to see "hard delete refuses more than 200".
  em = await startTestEmulator({ companies: 50 });
});
afterAll(() => em?.close());

describe('§1 routes', () => {
  it.each(PLURALS)('GET /rest/%s finds many with 200', async (plural) => {
    const res = await rest(em, `/rest/${plural}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data[plural])).toBe(true);
  });

  it.each(PLURALS)('GET /rest/%s/{id} finds one with 200', async (plural) => {
    const { records } = await list(em, plural, { limit: 1 });
    expect(records.length).toBe(1);
    const res = await rest(em, `/rest/${plural}/${records[0].id}`);
    expect(res.status).toBe(200);
    expect(res.body.data[SINGULARS[plural]].id).toBe(records[0].id);
  });

  it('GET /rest/companies/{id} of a missing record is 404', async () => {
    const res = await rest(em, `/rest/companies/${MISSING_ID}`);
    expectError(res, 404, 'NotFoundException', 'Record not found');
  });

  it('POST /rest/companies creates one with 201', async () => {
    const name = tag('Created ');
    const res = await rest(em, '/rest/companies', { method: 'POST', body: { name, employees: 12 } });
    expect(res.status).toBe(201);
    expect(res.body.data.createCompany).toMatchObject({ name, employees: 12 });
    expect(res.body.data.createCompany.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await rest(em, `/rest/companies/${res.body.data.createCompany.id}`);
    expect(again.body.data.company.name).toBe(name);
  });

  it('POST creates records of objects without a position, one and many (note and task targets)', async () => {
    const note = await createOne(em, 'notes', { title: tag('Linked ') });
    const company = (await list(em, 'companies', { limit: '1' })).records[0];
    const one = await rest(em, '/rest/noteTargets', { method: 'POST', body: { noteId: note.id, targetCompanyId: company.id } });
    expect(one.status).toBe(201);
    expect(one.body.data.createNoteTarget).toMatchObject({ noteId: note.id, targetCompanyId: company.id });
    const task = await createOne(em, 'tasks', { title: tag('Linked ') });
    const many = await rest(em, '/rest/batch/taskTargets', {
      method: 'POST',
      body: [{ taskId: task.id, targetCompanyId: company.id }, { taskId: task.id, targetCompanyId: company.id }],
    });
    expect(many.status).toBe(201);
    expect(many.body.data.createTaskTargets).toHaveLength(2);
  });

  it('POST /rest/companies?upsert=true is accepted with 201', async () => {
    const name = tag('Upsert ');
    const res = await rest(em, `/rest/companies${qs({ upsert: 'true' })}`, { method: 'POST', body: { name } });
    expect(res.status).toBe(201);
    expect(res.body.data.createCompany.name).toBe(name);
  });

  it('POST /rest/batch/companies creates many from a JSON array with 201', async () => {
    const names = [tag('Batch A '), tag('Batch B ')];
    const res = await rest(em, '/rest/batch/companies', { method: 'POST', body: names.map((name) => ({ name })) });
    expect(res.status).toBe(201);
    expect(res.body.data.createCompanies.map((c: { name: string }) => c.name).sort()).toEqual([...names].sort());
    const found = await list(em, 'companies', { filter: `name[in]:[${names.join(',')}]` });
    expect(found.totalCount).toBe(2);
  });

  it('PATCH /rest/companies/{id} updates one with 200', async () => {
    const c = await createOne(em, 'companies', { name: tag('Patch ') });
    const res = await rest(em, `/rest/companies/${c.id}`, { method: 'PATCH', body: { employees: 321 } });
    expect(res.status).toBe(200);
    expect(res.body.data.updateCompany).toMatchObject({ id: c.id, name: c.name, employees: 321 });
  });

  it('PUT /rest/companies/{id} is an alias of PATCH', async () => {
    const c = await createOne(em, 'companies', { name: tag('Put ') });
    const res = await rest(em, `/rest/companies/${c.id}`, { method: 'PUT', body: { employees: 654 } });
    expect(res.status).toBe(200);
    expect(res.body.data.updateCompany).toMatchObject({ id: c.id, employees: 654 });
  });

  it('PATCH /rest/companies/{id} of a missing record is 404', async () => {
    const res = await rest(em, `/rest/companies/${MISSING_ID}`, { method: 'PATCH', body: { employees: 1 } });
    expectError(res, 404, 'NotFoundException', 'Record not found');
  });

  it('PATCH /rest/companies?filter= updates many with 200', async () => {
    const made = await createMany(em, 'companies', [{ name: tag('Many ') }, { name: tag('Many ') }]);
    const filter = `id[in]:[${made.map((c) => c.id).join(',')}]`;
    const res = await rest(em, `/rest/companies${qs({ filter })}`, { method: 'PATCH', body: { employees: 4242 } });
    expect(res.status).toBe(200);
    const updated = res.body.data.updateCompanies;
    expect(updated.map((c: { id: string }) => c.id).sort()).toEqual(made.map((c) => c.id).sort());
    for (const c of updated) expect(c.employees).toBe(4242);
    const after = await list(em, 'companies', { filter });
    for (const c of after.records) expect(c.employees).toBe(4242);
  });

  it('DELETE /rest/companies/{id} hard-deletes by default with 200', async () => {
    const c = await createOne(em, 'companies', { name: tag('Hard ') });
    const res = await rest(em, `/rest/companies/${c.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data.deleteCompany.id).toBe(c.id);
    expect((await rest(em, `/rest/companies/${c.id}`)).status).toBe(404);
    // A hard delete leaves nothing behind, not even for a deletedAt filter.
    const gone = await list(em, 'companies', { filter: `id[eq]:${c.id},deletedAt[is]:NOT_NULL` });
    expect(gone.records).toEqual([]);
  });

  it('DELETE /rest/companies/{id}?soft_delete=true sets deletedAt', async () => {
    const c = await createOne(em, 'companies', { name: tag('Soft ') });
    const res = await rest(em, `/rest/companies/${c.id}${qs({ soft_delete: 'true' })}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data.deleteCompany.id).toBe(c.id);
    const hidden = await list(em, 'companies', { filter: `id[eq]:${c.id}` });
    expect(hidden.records).toEqual([]);
    const shown = await list(em, 'companies', { filter: `id[eq]:${c.id},deletedAt[is]:NOT_NULL` });
    expect(shown.records.map((r) => r.id)).toEqual([c.id]);
    expect(typeof shown.records[0].deletedAt).toBe('string');
  });

  it('DELETE /rest/companies/{id} of a missing record is 404', async () => {
    const res = await rest(em, `/rest/companies/${MISSING_ID}`, { method: 'DELETE' });
    expectError(res, 404, 'NotFoundException', 'Record not found');
  });

  it('PATCH /rest/companies/{id}/restore restores a soft-deleted record with 200', async () => {
    const c = await createOne(em, 'companies', { name: tag('Restore ') });
    await rest(em, `/rest/companies/${c.id}?soft_delete=true`, { method: 'DELETE' });
    const res = await rest(em, `/rest/companies/${c.id}/restore`, { method: 'PATCH' });
    expect(res.status).toBe(200);
    expect(res.body.data.restoreCompany).toMatchObject({ id: c.id, name: c.name, deletedAt: null });
    const visible = await list(em, 'companies', { filter: `id[eq]:${c.id}` });
    expect(visible.records.map((r) => r.id)).toEqual([c.id]);
  });

  it('DELETE /rest/companies?filter= deletes many with 200', async () => {
    const made = await createMany(em, 'companies', [{ name: tag('DelMany ') }, { name: tag('DelMany ') }]);
    const filter = `id[in]:[${made.map((c) => c.id).join(',')}]`;
    const res = await rest(em, `/rest/companies${qs({ filter })}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data.deleteCompanies.map((c: { id: string }) => c.id).sort()).toEqual(made.map((c) => c.id).sort());
    const after = await list(em, 'companies', { filter: `${filter},deletedAt[is]:NOT_NULL` });
    expect(after.records).toEqual([]);
  });

  it('DELETE /rest/companies?filter=&soft_delete=true soft-deletes many', async () => {
    const made = await createMany(em, 'companies', [{ name: tag('SoftMany ') }, { name: tag('SoftMany ') }]);
    const filter = `id[in]:[${made.map((c) => c.id).join(',')}]`;
    const res = await rest(em, `/rest/companies${qs({ filter, soft_delete: 'true' })}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data.deleteCompanies.length).toBe(2);
    expect((await list(em, 'companies', { filter })).records).toEqual([]);
    expect((await list(em, 'companies', { filter: `${filter},deletedAt[is]:NOT_NULL` })).records.length).toBe(2);
  });

  it('DELETE /rest/companies without a filter is refused with 400', async () => {
    const before = (await list(em, 'companies', { limit: 0 })).totalCount;
    const res = await rest(em, '/rest/companies', { method: 'DELETE' });
    expectBadRequest(res);
    expect((await list(em, 'companies', { limit: 0 })).totalCount).toBe(before);
  });

  it('hard delete many refuses more than 200 records with 400 and deletes nothing', async () => {
    const everyone = await fetchAll(em, 'people');
    expect(everyone.length).toBeGreaterThan(200);
    const res = await rest(em, `/rest/people${qs({ filter: 'id[is]:NOT_NULL' })}`, { method: 'DELETE' });
    expectBadRequest(res);
    expect((await fetchAll(em, 'people')).length).toBe(everyone.length);
  });

  it('hard delete many accepts exactly 200 records and refuses 201', async () => {
    const everyone = await fetchAll(em, 'people');
    const ids201 = everyone.slice(0, 201).map((p) => p.id);
    const refused = await rest(em, `/rest/people${qs({ filter: `id[in]:[${ids201.join(',')}]` })}`, { method: 'DELETE' });
    expectBadRequest(refused);
    expect((await fetchAll(em, 'people')).length).toBe(everyone.length);
    const ids200 = ids201.slice(0, 200);
    const res = await rest(em, `/rest/people${qs({ filter: `id[in]:[${ids200.join(',')}]` })}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data.deletePeople.length).toBe(200);
    expect((await fetchAll(em, 'people')).length).toBe(everyone.length - 200);
  });

  it('POST /rest/companies/duplicates answers 200', async () => {
    const { records } = await list(em, 'companies', { limit: 1 });
    const res = await rest(em, '/rest/companies/duplicates', { method: 'POST', body: { ids: [records[0].id] } });
    expect(res.status).toBe(200);
  });

  it('PATCH /rest/companies/merge answers 200', async () => {
    const made = await createMany(em, 'companies', [{ name: tag('Merge ') }, { name: tag('Merge ') }]);
    const res = await rest(em, '/rest/companies/merge', {
      method: 'PATCH',
      body: { ids: made.map((c) => c.id), conflictPriorityIndex: 0 },
    });
    expect(res.status).toBe(200);
    // Merging leaves one record where there were two.
    const left = await list(em, 'companies', { filter: `id[in]:[${made.map((c) => c.id).join(',')}]` });
    expect(left.records.length).toBe(1);
  });

  it('merge with a repeated id is a 400 and changes nothing', async () => {
    const [kept] = await createMany(em, 'companies', [{ name: tag('MergeSelf ') }]);
    const [person] = await createMany(em, 'people', [{ name: { firstName: 'Self', lastName: 'Merge' }, companyId: kept.id }]);
    const res = await rest(em, '/rest/companies/merge', { method: 'PATCH', body: { ids: [kept.id, kept.id] } });
    expectBadRequest(res);
    const again = await rest(em, `/rest/companies/${kept.id}`);
    expect(again.status).toBe(200);
    expect(again.body.data.company.name).toBe(kept.name);
    expect((await rest(em, `/rest/people/${person.id}`)).body.data.person.companyId).toBe(kept.id);
  });

  it.each([
    ['companies', 'targetCompanyId'],
    ['people', 'targetPersonId'],
    ['opportunities', 'targetOpportunityId'],
  ])('hard-deleting a record of %s deletes its noteTargets and taskTargets (ON DELETE CASCADE)', async (plural, fk) => {
    const body =
      plural === 'people' ? { name: { firstName: 'Cascade', lastName: tag('P') } } : { name: tag('Cascade ') };
    const target = await createOne(em, plural, body);
    const other = await createOne(em, plural, body);
    const note = await createOne(em, 'notes', { title: tag('CascadeNote ') });
    const task = await createOne(em, 'tasks', { title: tag('CascadeTask ') });
    const [nt, ntOther] = await createMany(em, 'noteTargets', [
      { noteId: note.id, [fk]: target.id },
      { noteId: note.id, [fk]: other.id },
    ]);
    const [tt] = await createMany(em, 'taskTargets', [{ taskId: task.id, [fk]: target.id }]);
    expect((await rest(em, `/rest/${plural}/${target.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await rest(em, `/rest/noteTargets/${nt.id}`)).status).toBe(404);
    expect((await rest(em, `/rest/taskTargets/${tt.id}`)).status).toBe(404);
    // Links to other records and the note and task themselves stay.
    expect((await rest(em, `/rest/noteTargets/${ntOther.id}`)).status).toBe(200);
    expect((await rest(em, `/rest/notes/${note.id}`)).status).toBe(200);
    expect((await rest(em, `/rest/tasks/${task.id}`)).status).toBe(200);
    const orphans = await fetchAll(em, 'noteTargets', {
      filter: 'targetCompanyId[is]:NULL,targetPersonId[is]:NULL,targetOpportunityId[is]:NULL',
    });
    expect(orphans).toEqual([]);
  });

  it('GET /rest/open-api/core answers 200', async () => {
    expect((await rest(em, '/rest/open-api/core')).status).toBe(200);
  });

  it('GET /rest/metadata/objects answers 200', async () => {
    expect((await rest(em, '/rest/metadata/objects')).status).toBe(200);
  });
});

describe('§1 path errors', () => {
  it('rejects more than two segments with 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies/${MISSING_ID}/extra`));
  });

  it("rejects an id that is not a UUID with 400 \"'x' is not a valid UUID\"", async () => {
    expectBadRequest(await rest(em, '/rest/companies/x'), "'x' is not a valid UUID");
  });

  it('rejects a singular object name with a "Did you mean" message', async () => {
    expectBadRequest(await rest(em, '/rest/company'), "object 'company' not found. Did you mean 'companies'?");
  });

  it('reads /restore as a route only for PATCH: DELETE /rest/companies/{id}/restore is a 400, not a delete', async () => {
    const c = await createOne(em, 'companies', { name: tag('NotRestore ') });
    expectBadRequest(await rest(em, `/rest/companies/${c.id}/restore`, { method: 'DELETE' }));
    expect((await rest(em, `/rest/companies/${c.id}`)).status).toBe(200);
  });

  it("rejects a restore of an id that is not a UUID with 400 \"'x' is not a valid UUID\"", async () => {
    expectBadRequest(await rest(em, '/rest/companies/x/restore', { method: 'PATCH' }), "'x' is not a valid UUID");
  });

  it('rejects an unknown object name with 400', async () => {
    const res = await rest(em, '/rest/spaceships');
    expectBadRequest(res);
    expect(res.body.messages[0]).toContain("'spaceships'");
  });
});

describe('§2 response shapes', () => {
  it('find many is data.<plural> with totalCount and pageInfo, records flat (no edges/node)', async () => {
    const res = await rest(em, '/rest/companies?limit=2');
    expect(Object.keys(res.body).sort()).toEqual(['data', 'pageInfo', 'totalCount']);
    expect(Object.keys(res.body.data)).toEqual(['companies']);
    expect(typeof res.body.totalCount).toBe('number');
    expect(Object.keys(res.body.pageInfo).sort()).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
    const [first] = res.body.data.companies;
    expect(first).not.toHaveProperty('node');
    expect(typeof first.id).toBe('string');
    expect(typeof first.name).toBe('string');
  });

  it('find one is data.<singular>', async () => {
    const { records } = await list(em, 'people', { limit: 1 });
    const res = await rest(em, `/rest/people/${records[0].id}`);
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(Object.keys(res.body.data)).toEqual(['person']);
    expect(res.body.data.person).toEqual(records[0]);
  });

  it('create one is data.create<Singular>, create many is data.create<Plural>', async () => {
    const one = await rest(em, '/rest/opportunities', { method: 'POST', body: { name: tag('Opp ') } });
    expect(Object.keys(one.body.data)).toEqual(['createOpportunity']);
    const many = await rest(em, '/rest/batch/opportunities', { method: 'POST', body: [{ name: tag('Opp ') }] });
    expect(Object.keys(many.body.data)).toEqual(['createOpportunities']);
    expect(Array.isArray(many.body.data.createOpportunities)).toBe(true);
  });

  it('a created opportunity defaults its stage to NEW', async () => {
    const opp = await createOne(em, 'opportunities', { name: tag('Default stage ') });
    expect(opp.stage).toBe('NEW');
  });

  it('update one is data.update<Singular>, update many is data.update<Plural>', async () => {
    const p = await createOne(em, 'people', { name: { firstName: 'Up', lastName: tag('Date') } });
    const one = await rest(em, `/rest/people/${p.id}`, { method: 'PATCH', body: { jobTitle: 'CTO' } });
    expect(Object.keys(one.body.data)).toEqual(['updatePerson']);
    expect(one.body.data.updatePerson.jobTitle).toBe('CTO');
    const many = await rest(em, `/rest/people${qs({ filter: `id[eq]:${p.id}` })}`, { method: 'PATCH', body: { jobTitle: 'CEO' } });
    expect(Object.keys(many.body.data)).toEqual(['updatePeople']);
    expect(many.body.data.updatePeople[0].jobTitle).toBe('CEO');
  });

  it('delete one is data.delete<Singular> holding the id, delete many is data.delete<Plural>', async () => {
    const [a, b] = await createMany(em, 'tasks', [{ title: tag('T ') }, { title: tag('T ') }]);
    const one = await rest(em, `/rest/tasks/${a.id}`, { method: 'DELETE' });
    expect(one.body).toMatchObject({ data: { deleteTask: { id: a.id } } });
    const many = await rest(em, `/rest/tasks${qs({ filter: `id[eq]:${b.id}` })}`, { method: 'DELETE' });
    expect(Object.keys(many.body.data)).toEqual(['deleteTasks']);
    expect(many.body.data.deleteTasks.map((t: { id: string }) => t.id)).toEqual([b.id]);
  });

  it('restore is data.restore<Singular>', async () => {
    const n = await createOne(em, 'notes', { title: tag('N ') });
    await rest(em, `/rest/notes/${n.id}?soft_delete=true`, { method: 'DELETE' });
    const res = await rest(em, `/rest/notes/${n.id}/restore`, { method: 'PATCH' });
    expect(Object.keys(res.body.data)).toEqual(['restoreNote']);
    expect(res.body.data.restoreNote.id).toBe(n.id);
  });

  it('every record carries id, createdAt, updatedAt and deletedAt (§10)', async () => {
    for (const plural of PLURALS) {
      const { records } = await list(em, plural, { limit: 1 });
      expect(records[0], plural).toHaveProperty('id');
      expect(records[0], plural).toHaveProperty('createdAt');
      expect(records[0], plural).toHaveProperty('updatedAt');
      expect(records[0], plural).toHaveProperty('deletedAt');
    }
  });
});
