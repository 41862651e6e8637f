/**
 * Every mutation of every type, over real HTTP: the BFF in front of the emulator. Each effect is
 * checked twice, through a follow-up GraphQL query and through the emulator's own REST API, so a
 * mutation that "succeeds" without writing (or writes something else) fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../support/scripted-server.js';
import { startStack, type Stack } from '../support/stack.js';
import { rest, type Rec } from '../emulator/helpers.js';
import { gql as gqlWith, gqlErrors } from './helpers.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Shared helpers, bound to this file's stack. */
const gql = (query: string, variables?: Record<string, unknown>): Promise<Rec> => gqlWith(stack, query, variables);
const gqlError = async (query: string, variables?: Record<string, unknown>) => (await gqlErrors(stack, query, variables))[0];

/** A record straight from the emulator, soft-deleted ones included; null when it does not exist. */
async function restRecord(plural: string, id: string): Promise<Rec | null> {
  const filter = encodeURIComponent(`id[eq]:${id},or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)`);
  const res = await rest(stack.emulator, `/rest/${plural}?filter=${filter}`);
  expect(res.status, res.text).toBe(200);
  return (res.body.data[plural] as Rec[])[0] ?? null;
}

async function someId(plural: string): Promise<string> {
  const res = await rest(stack.emulator, `/rest/${plural}?limit=1`);
  return res.body.data[plural][0].id;
}

const writes = () => stack.restCalls().filter((c) => c.method !== 'GET');

interface LifecycleCase {
  type: string;
  /** `createCompanies`, `createPeople`, … */
  many: string;
  plural: string;
  /** Root query field for one record. */
  one: string;
  fields: string;
  create: () => Promise<Rec>;
  /** A change to one composite sub-field (or a scalar), and how it must read back. */
  update: Rec;
  expectUpdated: (graphql: Rec, rest: Rec) => void;
}

const cases: LifecycleCase[] = [
  {
    type: 'Company',
    many: 'Companies',
    plural: 'companies',
    one: 'company',
    fields: 'id name deletedAt domainName { primaryLinkUrl primaryLinkLabel } address { addressCity addressCountry }',
    create: async () => ({
      name: 'Lifecycle Co',
      domainName: { primaryLinkUrl: 'https://lifecycle.example', primaryLinkLabel: 'Home' },
      address: { addressCity: 'Lyon', addressCountry: 'France' },
    }),
    update: { address: { addressCity: 'Paris' } },
    expectUpdated: (g, r) => {
      expect(g.address).toEqual({ addressCity: 'Paris', addressCountry: 'France' });
      expect(r.address.addressCity).toBe('Paris');
      expect(r.address.addressCountry).toBe('France');
      expect(g.domainName.primaryLinkUrl).toBe('https://lifecycle.example');
    },
  },
  {
    type: 'Person',
    many: 'People',
    plural: 'people',
    one: 'person',
    fields: 'id deletedAt name { firstName lastName displayName } emails { primaryEmail } jobTitle',
    create: async () => ({
      name: { firstName: 'Ada', lastName: 'Lovelace' },
      emails: { primaryEmail: 'ada@lifecycle.example' },
      jobTitle: 'Analyst',
    }),
    update: { name: { firstName: 'Augusta' } },
    expectUpdated: (g, r) => {
      expect(g.name).toEqual({ firstName: 'Augusta', lastName: 'Lovelace', displayName: 'Augusta Lovelace' });
      expect(r.name).toMatchObject({ firstName: 'Augusta', lastName: 'Lovelace' });
      expect(g.jobTitle).toBe('Analyst');
    },
  },
  {
    type: 'Opportunity',
    many: 'Opportunities',
    plural: 'opportunities',
    one: 'opportunity',
    fields: 'id name deletedAt stage amount { amountMicros amount currencyCode }',
    create: async () => ({ name: 'Lifecycle deal', stage: 'SCREENING', amount: { amount: 1250.5, currencyCode: 'EUR' } }),
    update: { amount: { currencyCode: 'USD' }, stage: 'PROPOSAL' },
    expectUpdated: (g, r) => {
      expect(g.stage).toBe('PROPOSAL');
      expect(g.amount).toEqual({ amountMicros: '1250500000', amount: 1250.5, currencyCode: 'USD' });
      expect(Number(r.amount.amountMicros)).toBe(1_250_500_000);
      expect(r.amount.currencyCode).toBe('USD');
    },
  },
  {
    type: 'Note',
    many: 'Notes',
    plural: 'notes',
    one: 'note',
    fields: 'id title deletedAt bodyV2 { markdown }',
    create: async () => ({ title: 'Lifecycle note', bodyV2: { markdown: 'first' } }),
    update: { title: 'Renamed note' },
    expectUpdated: (g, r) => {
      expect(g.title).toBe('Renamed note');
      expect(g.bodyV2.markdown).toBe('first');
      expect(r.title).toBe('Renamed note');
    },
  },
  {
    type: 'Task',
    many: 'Tasks',
    plural: 'tasks',
    one: 'task',
    fields: 'id title deletedAt status dueAt',
    create: async () => ({ title: 'Lifecycle task', status: 'TODO', dueAt: '2026-12-01T09:00:00.000Z' }),
    update: { status: 'DONE' },
    expectUpdated: (g, r) => {
      expect(g.status).toBe('DONE');
      expect(g.title).toBe('Lifecycle task');
      expect(r.status).toBe('DONE');
    },
  },
];

describe.each(cases)('$type mutations', (c) => {
  it('create writes the record, readable through GraphQL and REST', async () => {
    const input = await c.create();
    const created = (await gql(`mutation($input: Create${c.type}Input!) { create${c.type}(input: $input) { ${c.fields} } }`, { input }))[
      `create${c.type}`
    ];
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.deletedAt).toBeNull();
    const read = (await gql(`query($id: ID!) { ${c.one}(id: $id) { ${c.fields} } }`, { id: created.id }))[c.one];
    expect(read).toEqual(created);
    expect(await restRecord(c.plural, created.id)).not.toBeNull();
  });

  it('update changes only what the input names, including one sub-field of a composite', async () => {
    const input = await c.create();
    const { id } = (await gql(`mutation($input: Create${c.type}Input!) { create${c.type}(input: $input) { id } }`, { input }))[
      `create${c.type}`
    ];
    const updated = (
      await gql(`mutation($id: ID!, $input: Update${c.type}Input!) { update${c.type}(id: $id, input: $input) { ${c.fields} } }`, {
        id,
        input: c.update,
      })
    )[`update${c.type}`];
    const read = (await gql(`query($id: ID!) { ${c.one}(id: $id) { ${c.fields} } }`, { id }))[c.one];
    expect(read).toEqual(updated);
    c.expectUpdated(updated, (await restRecord(c.plural, id))!);
  });

  it('delete is soft: the record gets deletedAt, disappears from reads, and restore brings it back', async () => {
    const input = await c.create();
    const { id } = (await gql(`mutation($input: Create${c.type}Input!) { create${c.type}(input: $input) { id } }`, { input }))[
      `create${c.type}`
    ];
    const deleted = (await gql(`mutation($id: ID!) { delete${c.type}(id: $id) { id deletedAt } }`, { id }))[`delete${c.type}`];
    expect(deleted.id).toBe(id);
    expect(Date.parse(deleted.deletedAt)).not.toBeNaN();
    expect((await gql(`query($id: ID!) { ${c.one}(id: $id) { id } }`, { id }))[c.one]).toBeNull();
    expect((await restRecord(c.plural, id))!.deletedAt).toBe(deleted.deletedAt);

    const restored = (await gql(`mutation($id: ID!) { restore${c.type}(id: $id) { ${c.fields} } }`, { id }))[`restore${c.type}`];
    expect(restored.id).toBe(id);
    expect(restored.deletedAt).toBeNull();
    expect((await gql(`query($id: ID!) { ${c.one}(id: $id) { id deletedAt } }`, { id }))[c.one]).toEqual({ id, deletedAt: null });
    expect((await restRecord(c.plural, id))!.deletedAt).toBeNull();
  });

  it('destroy removes the record for good and returns its id', async () => {
    const input = await c.create();
    const { id } = (await gql(`mutation($input: Create${c.type}Input!) { create${c.type}(input: $input) { id } }`, { input }))[
      `create${c.type}`
    ];
    stack.resetCalls();
    const data = await gql(`mutation($id: ID!) { destroy${c.type}(id: $id) }`, { id });
    expect(data[`destroy${c.type}`]).toBe(id);
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual([`DELETE /rest/${c.plural}/${id}`]);
    expect(await restRecord(c.plural, id)).toBeNull();
    const error = await gqlError(`mutation($id: ID!) { restore${c.type}(id: $id) { id } }`, { id });
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });

  it(`create${c.many} creates several records in one batch call`, async () => {
    const many = c.many;
    const inputs = [await c.create(), await c.create(), await c.create()];
    stack.resetCalls();
    const created = (await gql(`mutation($inputs: [Create${c.type}Input!]!) { create${many}(inputs: $inputs) { ${c.fields} } }`, { inputs }))[
      `create${many}`
    ] as Rec[];
    expect(created).toHaveLength(3);
    expect(new Set(created.map((r) => r.id)).size).toBe(3);
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /rest/batch/${c.plural}`]);
    for (const record of created) expect(await restRecord(c.plural, record.id)).not.toBeNull();
  });
});

describe('relations and targets written by mutations', () => {
  it('createPerson links the person to a company, readable as person.company in the same response', async () => {
    const companyId = await someId('companies');
    const data = await gql(
      `mutation($input: CreatePersonInput!) { createPerson(input: $input) { companyId company { id } phones { primaryPhoneNumber } } }`,
      { input: { name: { firstName: 'Grace' }, companyId, phones: { primaryPhoneNumber: '5550100', primaryPhoneCallingCode: '+1' } } },
    );
    expect(data.createPerson).toEqual({ companyId, company: { id: companyId }, phones: { primaryPhoneNumber: '5550100' } });
  });

  it('createOpportunity sets company, point of contact and owner by id', async () => {
    const [companyId, personId, memberId] = await Promise.all([someId('companies'), someId('people'), someId('workspaceMembers')]);
    const data = await gql(
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { company { id } pointOfContact { id } owner { id } } }`,
      { input: { name: 'Linked deal', companyId, pointOfContactId: personId, ownerId: memberId } },
    );
    expect(data.createOpportunity).toEqual({ company: { id: companyId }, pointOfContact: { id: personId }, owner: { id: memberId } });
  });

  it('createNote links the note to its targets through noteTargets', async () => {
    const [companyId, personId] = await Promise.all([someId('companies'), someId('people')]);
    const data = await gql(
      `mutation($input: CreateNoteInput!) { createNote(input: $input) { id targets { companyId personId company { id } person { id } } } }`,
      { input: { title: 'Call notes', targets: [{ companyId }, { personId }] } },
    );
    const note = data.createNote;
    expect(note.targets).toHaveLength(2);
    expect(note.targets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ companyId, company: { id: companyId } }),
        expect.objectContaining({ personId, person: { id: personId } }),
      ]),
    );
    const res = await rest(stack.emulator, `/rest/noteTargets?filter=${encodeURIComponent(`noteId[eq]:${note.id}`)}`);
    const targets = res.body.data.noteTargets as Rec[];
    expect(targets.map((t) => t.targetCompanyId ?? t.targetPersonId).sort()).toEqual([companyId, personId].sort());
  });

  it('createTasks gives each new task its own targets, in two REST writes', async () => {
    const [companyId, opportunityId, memberId] = await Promise.all([
      someId('companies'),
      someId('opportunities'),
      someId('workspaceMembers'),
    ]);
    stack.resetCalls();
    const data = await gql(
      `mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { title assignee { id } targets { companyId opportunityId } } }`,
      {
        inputs: [
          { title: 'First', assigneeId: memberId, targets: [{ companyId }] },
          { title: 'Second', status: 'IN_PROGRESS' },
          { title: 'Third', targets: [{ opportunityId }, { companyId }] },
        ],
      },
    );
    const tasks = data.createTasks as Rec[];
    expect(tasks.map((t) => t.title)).toEqual(['First', 'Second', 'Third']);
    expect(tasks[0].assignee).toEqual({ id: memberId });
    expect(tasks[0].targets).toEqual([{ companyId, opportunityId: null }]);
    expect(tasks[1].targets).toEqual([]);
    expect(tasks[2].targets).toHaveLength(2);
    expect(tasks[2].targets).toEqual(
      expect.arrayContaining([
        { companyId: null, opportunityId },
        { companyId, opportunityId: null },
      ]),
    );
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /rest/batch/tasks', 'POST /rest/batch/taskTargets']);
  });

  it('links as many targets as one batch holds in one call, and refuses more before writing anything', async () => {
    const people = (await rest(stack.emulator, '/rest/people?limit=61')).body.data.people as Rec[];
    expect(people).toHaveLength(61);
    stack.resetCalls();
    const data = await gql(`mutation($input: CreateNoteInput!) { createNote(input: $input) { targets { personId } } }`, {
      input: { title: 'Sixty', targets: people.slice(0, 60).map((p) => ({ personId: p.id })) },
    });
    expect((data.createNote.targets as Rec[]).map((t) => t.personId).sort()).toEqual(people.slice(0, 60).map((p) => p.id).sort());
    expect(writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /rest/notes', 'POST /rest/batch/noteTargets']);

    // 61 would take two batches, which could end half applied: refused before the first call.
    stack.resetCalls();
    const error = await gqlError(`mutation($input: CreateNoteInput!) { createNote(input: $input) { id } }`, {
      input: { title: 'Sixty-one', targets: people.map((p) => ({ personId: p.id })) },
    });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxTargets: 60 });
    expect(error.message).toMatch(/at most 60 targets/);
    expect(stack.restCalls()).toEqual([]);
  });

  it('takes a new note back when its targets cannot be written, so no half-linked note remains', async () => {
    const companyId = await someId('companies');
    const title = `Half-done ${Date.now()}`;
    stack.resetCalls();
    stack.emulator.injectFault({ kind: '500', method: 'POST', path: '/rest/batch/noteTargets' });
    const error = await gqlError(`mutation($input: CreateNoteInput!) { createNote(input: $input) { id } }`, {
      input: { title, targets: [{ companyId }] },
    });
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toMatch(/nothing was saved/);
    expect(error.extensions?.applied).toMatchObject({ created: [], targetsLinked: 0 });
    const filter = encodeURIComponent(`title[eq]:"${title}",or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)`);
    const res = await rest(stack.emulator, `/rest/notes?filter=${filter}`);
    expect(res.body.data.notes).toEqual([]);
    expect(writes().map((w) => w.method)).toEqual(['POST', 'POST', 'DELETE']);
  });

  it('says exactly what is left when linking the targets fails and the take-back fails too', async () => {
    const companyId = await someId('companies');
    const title = `Stuck ${Date.now()}`;
    stack.resetCalls();
    // A 503 answer to a write is final (it may have been applied), unlike a 429, which Twenty
    // sends before doing any work and the outbound path retries (next test).
    stack.emulator.injectFault({ kind: '503', method: 'POST', path: '/rest/batch/noteTargets' });
    stack.emulator.injectFault({ kind: '503', method: 'DELETE', path: '/rest/notes/' });
    const error = await gqlError(`mutation($input: CreateNoteInput!) { createNote(input: $input) { id } }`, {
      input: { title, targets: [{ companyId }] },
    });
    const filter = encodeURIComponent(`title[eq]:"${title}"`);
    const notes = (await rest(stack.emulator, `/rest/notes?filter=${filter}`)).body.data.notes as Rec[];
    expect(notes).toHaveLength(1);
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.applied).toEqual({ created: [notes[0].id], removed: [], targetsLinked: 0 });
    expect(error.message).toContain(`the new note ${notes[0].id} exists without its targets`);
    const targets = await rest(stack.emulator, `/rest/noteTargets?filter=${encodeURIComponent(`noteId[eq]:${notes[0].id}`)}`);
    expect(targets.body.data.noteTargets).toEqual([]);
  });

  it("links the targets after Twenty's 429 on them: the write is retried, not half applied", async () => {
    const companyId = await someId('companies');
    stack.resetCalls();
    stack.emulator.injectFault({ kind: '429', method: 'POST', path: '/rest/batch/noteTargets' });
    const data = await gql(`mutation($input: CreateNoteInput!) { createNote(input: $input) { id targets { company { id } } } }`, {
      input: { title: `Throttled ${Date.now()}`, targets: [{ companyId }] },
    });
    expect(data.createNote.targets.map((t: Rec) => t.company.id)).toEqual([companyId]);
    expect(writes().map((w) => w.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('a record written earlier in the same operation is read fresh by later fields', async () => {
    const companyId = await someId('companies');
    const data = await gql(
      `mutation($companyId: ID!) {
        before: createPerson(input: { companyId: $companyId }) { company { name } }
        rename: updateCompany(id: $companyId, input: { name: "Renamed Mid-Operation" }) { name }
        after: createPerson(input: { companyId: $companyId }) { company { name } }
      }`,
      { companyId },
    );
    expect(data.rename.name).toBe('Renamed Mid-Operation');
    expect(data.after.company.name).toBe('Renamed Mid-Operation');
  });

  it('a relation read earlier in the same operation is read again after a write changes it', async () => {
    const companyId = await someId('companies');
    const data = await gql(
      `mutation($companyId: ID!) {
        before: updateCompany(id: $companyId, input: { employees: 10 }) { people { totalCount } }
        added: createPerson(input: { companyId: $companyId, jobTitle: "New hire" }) { id }
        after: updateCompany(id: $companyId, input: { employees: 11 }) { people { totalCount edges { node { id } } } }
      }`,
      { companyId },
    );
    expect(data.after.people.totalCount).toBe(data.before.people.totalCount + 1);
    expect(data.after.people.edges.map((e: Rec) => e.node.id)).toContain(data.added.id);
  });

  it('a soft-deleted record is still listed when the filter asks for deleted records', async () => {
    const { id } = (await gql(`mutation { createCompany(input: { name: "Soon deleted" }) { id } }`)).createCompany;
    await gql(`mutation($id: ID!) { deleteCompany(id: $id) { id } }`, { id });
    const data = await gql(
      `query($id: ID!) { companies(filter: { id: { eq: $id }, deletedAt: { isNull: false } }) { totalCount edges { node { id name } } } }`,
      { id },
    );
    expect(data.companies).toEqual({ totalCount: 1, edges: [{ node: { id, name: 'Soon deleted' } }] });
  });
});

describe('a soft delete whose read-back fails', () => {
  /** The record as the emulator holds it, found only through a `deletedAt[is]:NOT_NULL` filter. */
  async function softDeletedViaRest(id: string): Promise<Rec | undefined> {
    const filter = encodeURIComponent(`id[eq]:${id},deletedAt[is]:NOT_NULL`);
    const res = await rest(stack.emulator, `/rest/companies?filter=${filter}`);
    expect(res.status, res.text).toBe(200);
    return (res.body.data.companies as Rec[])[0];
  }

  it('still succeeds once the DELETE has answered, returning the id with deletedAt set to now', async () => {
    const { id } = (await gql(`mutation { createCompany(input: { name: "Read-back fails" }) { id } }`)).createCompany;
    stack.resetCalls();
    const before = Date.now();
    stack.emulator.injectFault({ kind: '500', times: 1, method: 'GET', path: '/rest/companies' });
    const deleted = (await gql(`mutation($id: ID!) { deleteCompany(id: $id) { id name deletedAt } }`, { id })).deleteCompany;
    // The read-back really was made and really failed, so the answer comes from the fallback.
    expect(stack.restCalls().map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `DELETE /rest/companies/${id} 200`,
      'GET /rest/companies 500',
    ]);
    // Nothing of the record was cached in this request: only its id is known.
    expect(deleted).toEqual({ id, name: null, deletedAt: expect.any(String) });
    expect(Date.parse(deleted.deletedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(deleted.deletedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await softDeletedViaRest(id)).toMatchObject({ id, name: 'Read-back fails', deletedAt: expect.any(String) });
    // Not destroyed: restore brings it back.
    expect((await gql(`mutation($id: ID!) { restoreCompany(id: $id) { id name deletedAt } }`, { id })).restoreCompany).toEqual({
      id,
      name: 'Read-back fails',
      deletedAt: null,
    });
  });

  it('returns the record as the request last knew it when an earlier field of the operation loaded it', async () => {
    const { id } = (await gql(`mutation { createCompany(input: { name: "Known before delete" }) { id } }`)).createCompany;
    stack.emulator.injectFault({ kind: '500', times: 1, method: 'GET', path: '/rest/companies' });
    const data = await gql(
      `mutation($id: ID!) {
        updateCompany(id: $id, input: { employees: 12 }) { id }
        deleteCompany(id: $id) { id name employees deletedAt }
      }`,
      { id },
    );
    expect(data.deleteCompany).toEqual({ id, name: 'Known before delete', employees: 12, deletedAt: expect.any(String) });
    expect(Date.parse(data.deleteCompany.deletedAt)).not.toBeNaN();
    expect(await softDeletedViaRest(id)).toMatchObject({ id, employees: 12 });
  });

  it('also survives a read-back that is rate limited', async () => {
    // Its own stack: the 429 pauses the key's budget, which must not slow the other tests.
    const limited = await startStack({ emulator: { companies: 1 }, config: { rateLimitMaxWaitMs: 200 } });
    try {
      const { id } = (await gqlWith(limited, `mutation { createCompany(input: { name: "Read-back limited" }) { id } }`)).createCompany;
      // A 429 asking for a longer wait than the budget allows, so the read-back gives up at once.
      limited.emulator.injectFault({ kind: '429', times: 1, method: 'GET', path: '/rest/companies', retryAfterSeconds: 1 });
      const deleted = (await gqlWith(limited, `mutation($id: ID!) { deleteCompany(id: $id) { id deletedAt } }`, { id })).deleteCompany;
      expect(deleted.id).toBe(id);
      expect(Date.parse(deleted.deletedAt)).not.toBeNaN();
      expect(limited.restCalls().map((c) => `${c.method} ${c.status}`).slice(-2)).toEqual(['DELETE 200', 'GET 429']);
    } finally {
      await limited.close();
    }
  });
});

describe('REST cost of each write', () => {
  it('create, update, restore and destroy cost one call each, a soft delete two (the delete, then its read-back)', async () => {
    // Warm the workspace metadata (cached per token for a minute) so the counts below are the writes'.
    await gql(`mutation { createOpportunity(input: { stage: "NEW" }) { id } }`);
    const calls = async (query: string, variables?: Rec) => {
      stack.resetCalls();
      const data = await gql(query, variables);
      return { data, calls: stack.restCalls().map((c) => `${c.method} ${c.path}`) };
    };
    const created = await calls(`mutation { createOpportunity(input: { name: "Costed", stage: "MEETING" }) { id stage } }`);
    const id = created.data.createOpportunity.id;
    expect(created.calls).toEqual(['POST /rest/opportunities']);
    expect((await calls(`mutation($id: ID!) { updateOpportunity(id: $id, input: { stage: "PROPOSAL" }) { stage } }`, { id })).calls).toEqual([
      `PATCH /rest/opportunities/${id}`,
    ]);
    expect((await calls(`mutation($id: ID!) { deleteOpportunity(id: $id) { deletedAt } }`, { id })).calls).toEqual([
      `DELETE /rest/opportunities/${id}`,
      'GET /rest/opportunities',
    ]);
    expect((await calls(`mutation($id: ID!) { restoreOpportunity(id: $id) { deletedAt } }`, { id })).calls).toEqual([
      `PATCH /rest/opportunities/${id}/restore`,
    ]);
    expect((await calls(`mutation($id: ID!) { destroyOpportunity(id: $id) }`, { id })).calls).toEqual([`DELETE /rest/opportunities/${id}`]);
  });
});

describe('input checks before any write', () => {
  async function expectRefused(query: string, variables: Rec, message: RegExp) {
    stack.resetCalls();
    const error = await gqlError(query, variables);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
    expect(writes()).toEqual([]);
    return error;
  }

  it('refuses a stage the workspace does not have, naming the allowed values', async () => {
    const error = await expectRefused(
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }`,
      { input: { name: 'Bad stage', stage: 'WON' } },
      /"WON".*NEW, SCREENING, MEETING, PROPOSAL, CUSTOMER/,
    );
    expect(error.extensions?.allowedValues).toEqual(['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER']);
  });

  it('refuses an unknown stage on update too, and an unknown task status', async () => {
    const id = await someId('opportunities');
    await expectRefused(
      `mutation($id: ID!) { updateOpportunity(id: $id, input: { stage: "new" }) { id } }`,
      { id },
      /not one of this workspace's values: NEW, SCREENING/,
    );
    await expectRefused(
      `mutation { createTasks(inputs: [{ title: "ok", status: "DONE" }, { title: "bad", status: "CANCELLED" }]) { id } }`,
      {},
      /"CANCELLED".*TODO, IN_PROGRESS, DONE/,
    );
  });

  it('refuses ids that are not UUIDs, in arguments, foreign keys and targets', async () => {
    await expectRefused(`mutation { updateCompany(id: "42", input: { name: "x" }) { id } }`, {}, /id must be a UUID/);
    await expectRefused(`mutation { deletePerson(id: "nope") { id } }`, {}, /id must be a UUID/);
    await expectRefused(`mutation { destroyNote(id: "1; DROP") }`, {}, /id must be a UUID/);
    await expectRefused(`mutation { restoreTask(id: "") { id } }`, {}, /id must be a UUID/);
    await expectRefused(`mutation { createPerson(input: { companyId: "acme" }) { id } }`, {}, /companyId must be a UUID/);
    await expectRefused(`mutation { createNote(input: { targets: [{ personId: "x" }] }) { id } }`, {}, /targets\[0\]\.personId must be a UUID/);
  });

  it('refuses an update that changes nothing', async () => {
    const id = await someId('companies');
    await expectRefused(`mutation($id: ID!) { updateCompany(id: $id, input: {}) { id } }`, { id }, /at least one field/);
  });

  it('refuses amount and amountMicros that disagree, and accepts them when they agree', async () => {
    await expectRefused(
      `mutation { createOpportunity(input: { amount: { amount: 5, amountMicros: "5000001" } }) { id } }`,
      {},
      /disagree/,
    );
    const data = await gql(`mutation { createOpportunity(input: { amount: { amount: 5, amountMicros: "5000000", currencyCode: "USD" } }) { amount { amountMicros amount } } }`);
    expect(data.createOpportunity.amount).toEqual({ amountMicros: '5000000', amount: 5 });
  });

  it('refuses a target that names no record or two', async () => {
    const [companyId, personId] = await Promise.all([someId('companies'), someId('people')]);
    await expectRefused(`mutation { createTask(input: { targets: [{}] }) { id } }`, {}, /exactly one of companyId, personId, opportunityId/);
    await expectRefused(
      `mutation($t: TargetInput!) { createTask(input: { targets: [$t] }) { id } }`,
      { t: { companyId, personId } },
      /targets\[0\] must set exactly one/,
    );
  });

  it('refuses customFields that shadow a typed or system field', async () => {
    await expectRefused(`mutation { createOpportunity(input: { customFields: { stage: "WON" } }) { id } }`, {}, /use the stage input field/);
    await expectRefused(`mutation { createCompany(input: { customFields: { deletedAt: null } }) { id } }`, {}, /customFields\.deletedAt/);
    await expectRefused(`mutation { createCompany(input: { customFields: [1, 2] }) { id } }`, {}, /JSON object/);
  });

  it("surfaces Twenty's own 400 as BAD_USER_INPUT with Twenty's message", async () => {
    const error = await gqlError(`mutation { createCompany(input: { customFields: { noSuchField: 1 } }) { id } }`);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/noSuchField/);
  });

  it('lets customFields named like Object.prototype members through to Twenty, which judges them', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const error = await gqlError(`mutation { createCompany(input: { name: "CF", customFields: { ${name}: 1 } }) { id } }`);
      expect(error.extensions?.code, name).toBe('BAD_USER_INPUT');
      // Twenty's own refusal of an unknown field, not the BFF's "is not a custom field".
      expect(error.message, name).not.toMatch(/is not a custom field/);
      expect(error.message, name).toMatch(new RegExp(name));
    }
  });

  it("answers NOT_FOUND when one workspace's key writes another workspace's record, and leaves it as it was", async () => {
    const id = await someId('companies');
    const before = await restRecord('companies', id);
    const globex = stack.emulator.keys.globex;
    for (const query of [
      `mutation($id: ID!) { updateCompany(id: $id, input: { name: "Hijacked" }) { id } }`,
      `mutation($id: ID!) { deleteCompany(id: $id) { id } }`,
      `mutation($id: ID!) { destroyCompany(id: $id) }`,
    ]) {
      const { body } = await stack.query(query, { id }, { key: globex });
      expect(body.errors?.[0].extensions?.code, query).toBe('NOT_FOUND');
    }
    expect(await restRecord('companies', id)).toEqual(before);
  });

  it("refuses, with Twenty's message, a batch larger than Twenty accepts, and creates none of it", async () => {
    const name = `Oversized ${Date.now()}`;
    const error = await gqlError(`mutation($inputs: [CreateCompanyInput!]!) { createCompanies(inputs: $inputs) { id } }`, {
      inputs: Array.from({ length: 201 }, () => ({ name })),
    });
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/200/);
    const res = await rest(stack.emulator, `/rest/companies?filter=${encodeURIComponent(`name[eq]:"${name}"`)}`);
    expect(res.body.data.companies).toEqual([]);
  });

  it('answers NOT_FOUND for an update, delete or restore of a record that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const query of [
      `mutation($id: ID!) { updateCompany(id: $id, input: { name: "x" }) { id } }`,
      `mutation($id: ID!) { deletePerson(id: $id) { id } }`,
      `mutation($id: ID!) { restoreOpportunity(id: $id) { id } }`,
      `mutation($id: ID!) { destroyTask(id: $id) }`,
    ]) {
      const error = await gqlError(query, { id: missing });
      expect(error.extensions?.code, query).toBe('NOT_FOUND');
    }
  });
});

describe('customFields', () => {
  // The emulator has no custom fields, so a small stand-in for a workspace that has them answers
  // here: it records each write and echoes the body back as the record, unknown fields included.
  it('are merged into the REST body on create and update, and read back as customFields', async () => {
    const id = '6b0c5a3e-1f2d-4c3b-9a8e-7d6c5b4a3f2e';
    const upstream = await startScriptedServer((req) => {
      const body = req.body ? JSON.parse(req.body) : {};
      const record = { id, name: 'Custom Co', createdAt: '2026-01-01T00:00:00.000Z', deletedAt: null, tier: 'gold', ...body };
      return req.method === 'POST' ? { status: 201, body: { data: { createCompany: record } } } : { status: 200, body: { data: { updateCompany: record } } };
    });
    const viaFake = await startStack({ config: { twentyApiUrl: upstream.url } });
    try {
      const created = await viaFake.query(
        `mutation { createCompany(input: { name: "Custom Co", customFields: { tier: "gold", score: 7 } }) { id name customFields } }`,
      );
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createCompany).toEqual({ id, name: 'Custom Co', customFields: expect.objectContaining({ tier: 'gold', score: 7 }) });

      const updated = await viaFake.query(`mutation($id: ID!) { updateCompany(id: $id, input: { customFields: { tier: null } }) { customFields } }`, {
        id,
      });
      expect(updated.body.errors).toBeUndefined();
      expect(updated.body.data.updateCompany.customFields).toMatchObject({ tier: null });

      const writesSeen = upstream.requests.map((r) => ({ method: r.method, url: r.url, body: r.body ? JSON.parse(r.body) : {} }));
      expect(writesSeen).toEqual([
        { method: 'POST', url: '/rest/companies', body: { name: 'Custom Co', tier: 'gold', score: 7 } },
        { method: 'PATCH', url: `/rest/companies/${id}`, body: { tier: null } },
      ]);
    } finally {
      await viaFake.close();
      await upstream.close();
    }
  });
});

describe('on an older Twenty (pre-v1.17 target names, older restore route)', () => {
  let legacy: Stack;

  beforeAll(async () => {
    legacy = await startStack({ emulator: { legacy: true } });
  });

  afterAll(async () => {
    await legacy?.close();
  });

  it('links new notes with the old target field names, and restores through the old route', async () => {
    const companyId = (await rest(legacy.emulator, '/rest/companies?limit=1')).body.data.companies[0].id as string;
    const created = await legacy.query(
      `mutation($companyId: ID!) { createNote(input: { title: "Legacy", targets: [{ companyId: $companyId }] }) { id targets { companyId } } }`,
      { companyId },
    );
    expect(created.body.errors).toBeUndefined();
    const note = created.body.data.createNote;
    expect(note.targets).toEqual([{ companyId }]);
    const res = await rest(legacy.emulator, `/rest/noteTargets?filter=${encodeURIComponent(`noteId[eq]:${note.id}`)}`);
    expect(res.body.data.noteTargets).toEqual([expect.objectContaining({ noteId: note.id, companyId })]);

    await legacy.query(`mutation($id: ID!) { deleteNote(id: $id) { id } }`, { id: note.id });
    const restored = await legacy.query(`mutation($id: ID!) { restoreNote(id: $id) { id deletedAt } }`, { id: note.id });
    expect(restored.body.errors).toBeUndefined();
    expect(restored.body.data.restoreNote).toEqual({ id: note.id, deletedAt: null });
  });
});
