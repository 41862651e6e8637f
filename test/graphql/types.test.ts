/**
 * Every type and every field, read through the BFF and compared with what the emulator's REST
 * API holds for the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { rest } from '../emulator/helpers.js';
import { EXPECTED, FIELDS, gql, nodes, restAll, type Options, type Rec } from './helpers.js';

let stack: Stack;
let stages: Options;
let statuses: Options;

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 30 } });
  const metadata = await rest(stack.emulator, '/rest/metadata/objects');
  const objects = (metadata.body.data?.objects ?? metadata.body.objects ?? metadata.body) as Rec[];
  const options = (object: string, field: string) =>
    objects.find((o) => o.nameSingular === object)!.fields.find((f: Rec) => f.name === field).options as Options;
  stages = options('opportunity', 'stage');
  statuses = options('task', 'status');
});

afterAll(async () => {
  await stack?.close();
});

const cases = [
  { type: 'Company', one: 'company', many: 'companies', plural: 'companies' },
  { type: 'Person', one: 'person', many: 'people', plural: 'people' },
  { type: 'Opportunity', one: 'opportunity', many: 'opportunities', plural: 'opportunities' },
  { type: 'Note', one: 'note', many: 'notes', plural: 'notes' },
  { type: 'Task', one: 'task', many: 'tasks', plural: 'tasks' },
  { type: 'WorkspaceMember', one: 'workspaceMember', many: 'workspaceMembers', plural: 'workspaceMembers' },
] as const;

const expected = (type: (typeof cases)[number]['type'], record: Rec) =>
  type === 'Opportunity'
    ? EXPECTED.Opportunity(record, stages)
    : type === 'Task'
      ? EXPECTED.Task(record, statuses)
      : EXPECTED[type](record);

describe.each(cases)('$type', ({ type, one, many, plural }) => {
  it(`lists every ${type} with every field as the REST API holds it`, async () => {
    const truth = await restAll(stack, plural);
    expect(truth.length).toBeGreaterThan(0);
    const data = await gql(stack, `{ ${many}(first: 1000) { totalCount edges { cursor node { ${FIELDS[type]} } } } }`);
    expect(data[many].totalCount).toBe(truth.length);
    expect(nodes(data[many])).toEqual(truth.map((r) => expected(type, r)));
  });

  it(`reads one ${type} by id with every field`, async () => {
    const [record] = await restAll(stack, plural).then((all) => all.slice(-1));
    const data = await gql(stack, `query ($id: ID!) { ${one}(id: $id) { ${FIELDS[type]} } }`, { id: record.id });
    expect(data[one]).toEqual(expected(type, record));
  });

  it(`answers null for a ${type} id that does not exist, and for one that is not a UUID`, async () => {
    const data = await gql(
      stack,
      `{ missing: ${one}(id: "00000000-0000-4000-8000-000000000000") { id } malformed: ${one}(id: "nope") { id } }`,
    );
    expect(data).toEqual({ missing: null, malformed: null });
  });
});

describe('derived fields', () => {
  it('computes Money.amount from amountMicros and keeps micros exact as a string', async () => {
    const [opportunity] = (await restAll(stack, 'opportunities')).filter((o) => o.amount?.amountMicros != null);
    const data = await gql(stack, `query ($id: ID!) { opportunity(id: $id) { amount { amountMicros amount } } }`, {
      id: opportunity.id,
    });
    expect(data.opportunity.amount.amountMicros).toBe(String(opportunity.amount.amountMicros));
    expect(data.opportunity.amount.amount).toBe(Number(opportunity.amount.amountMicros) / 1_000_000);
  });

  it("gives each opportunity's stage its workspace label, color and position", async () => {
    const data = await gql(stack, '{ opportunities(first: 1000) { edges { node { stage stageInfo { value label color position } } } } }');
    const seen = new Set<string>();
    for (const { stage, stageInfo } of nodes(data.opportunities)) {
      const option = stages.find((o) => o.value === stage)!;
      expect(stageInfo).toEqual({ value: option.value, label: option.label, color: option.color, position: option.position });
      seen.add(stage);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('joins first and last name into displayName', async () => {
    const [person] = await restAll(stack, 'people');
    const data = await gql(stack, `query ($id: ID!) { person(id: $id) { name { displayName } } }`, { id: person.id });
    expect(data.person.name.displayName).toBe(`${person.name.firstName} ${person.name.lastName}`.trim());
  });
});
