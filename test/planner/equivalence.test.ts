/**
 * The planner changes how data is read, never what is answered: random queries over the demo
 * data (root lists and lookups, every relation of the object model three levels deep, filters,
 * orders, first/last, counts, page info, cursors, aliases) give the same response with the
 * planner and without it (QUERY_PLANNER=off).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modelOfType, objectModel, specOfObject } from '../../src/model/index.js';
import { fetchAll } from '../emulator/helpers.js';
import { startPlanners, type Planners } from './helpers.js';

const RUNS = 60;
const MAX_DEPTH = 3;

const SCALARS: Record<string, string[]> = {
  Company: ['id', 'name', 'employees', 'domainName { primaryLinkUrl }', 'annualRecurringRevenue { amountMicros currencyCode }', 'accountOwnerId', 'createdAt', 'customFields'],
  Person: ['id', 'name { firstName lastName displayName }', 'emails { primaryEmail }', 'jobTitle', 'city', 'companyId'],
  Opportunity: ['id', 'name', 'stage', 'stageInfo { label }', 'amount { amount currencyCode }', 'closeDate', 'companyId', 'pointOfContactId'],
  Note: ['id', 'title', 'bodyV2 { markdown }'],
  Task: ['id', 'title', 'status', 'statusInfo { label }', 'dueAt', 'assigneeId'],
  WorkspaceMember: ['id', 'name { displayName }', 'userEmail', 'locale'],
  NoteTarget: ['id', 'noteId', 'companyId', 'personId', 'opportunityId'],
  TaskTarget: ['id', 'taskId', 'companyId', 'personId', 'opportunityId'],
};

const FILTERS: Record<string, string[]> = {
  Company: ['{ employees: { gte: 100 } }', '{ idealCustomerProfile: { eq: true } }', '{ name: { contains: "a" } }'],
  Person: ['{ jobTitle: { isNull: false } }', '{ name: { firstName: { startsWith: "a" } } }', '{ city: { isNull: true } }'],
  Opportunity: ['{ stage: { in: ["NEW", "MEETING"] } }', '{ amount: { amountMicros: { gte: "1000000000" } } }'],
  Note: ['{ title: { contains: "a" } }'],
  Task: ['{ status: { neq: "DONE" } }'],
  WorkspaceMember: ['{ locale: { eq: "en" } }'],
};

const ROOTS: Record<string, [string, string]> = {
  Company: ['company', 'companies'],
  Person: ['person', 'people'],
  Opportunity: ['opportunity', 'opportunities'],
  Note: ['note', 'notes'],
  Task: ['task', 'tasks'],
  WorkspaceMember: ['workspaceMember', 'workspaceMembers'],
};

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const all = (arbs: Array<fc.Arbitrary<string>>): fc.Arbitrary<string[]> => (arbs.length === 0 ? fc.constant([]) : fc.tuple(...arbs));

/** `first`, `orderBy` and `filter` arguments of a connection to `type`, or none. */
function connectionArgs(type: string, root: boolean): fc.Arbitrary<string> {
  const orderFields = Object.keys(specOfObject(modelOfType(type)!.plural).orderFields);
  const size = root
    ? fc.oneof(fc.integer({ min: 1, max: 80 }).map((n) => `first: ${n}`), fc.integer({ min: 1, max: 30 }).map((n) => `last: ${n}`))
    : fc.integer({ min: 1, max: 20 }).map((n) => `first: ${n}`);
  const order = fc
    .tuple(fc.constantFrom(...orderFields), fc.constantFrom('ASC', 'DESC', 'ASC_NULLS_LAST'))
    .map(([field, direction]) => `orderBy: [{ field: ${field}, direction: ${direction} }]`);
  const filter = fc.constantFrom(...(FILTERS[type] ?? ['{}'])).map((f) => `filter: ${f}`);
  return fc.tuple(maybe(size), maybe(order), maybe(filter)).map((parts) => {
    const args = parts.filter((p): p is string => p !== undefined);
    return args.length ? `(${args.join(', ')})` : '';
  });
}

/** A connection's own selection around `node`. */
function connectionBody(node: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.boolean(), fc.boolean(), fc.boolean(), maybe(node))
    .map(([count, pageInfo, cursor, body]) =>
      [
        count || (!pageInfo && body === undefined) ? 'totalCount' : '',
        pageInfo ? 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }' : '',
        body !== undefined ? `edges { ${cursor ? 'cursor ' : ''}node { ${body} } }` : '',
      ].join(' '),
    );
}

/** A selection on a record of `type`: some fields and up to two relations, `depth` levels down. */
function record(type: string, depth: number): fc.Arbitrary<string> {
  const model = modelOfType(type)!;
  const relations = depth < MAX_DEPTH ? model.relations : [];
  const fields = fc.subarray(SCALARS[type], { minLength: 1, maxLength: 3 });
  const nested = fc.subarray(relations.map((r) => r.name), { maxLength: Math.min(2, relations.length) }).chain((names) =>
    all(
      names.map((name) => {
        const relation = relations.find((r) => r.name === name)!;
        const target = objectModel(relation.target).type;
        const inner = record(target, depth + 1);
        if (relation.kind === 'toOne' || (relation.kind === 'oneToMany' && relation.list)) return inner.map((body) => `${name} { ${body} }`);
        return fc.tuple(connectionArgs(target, false), connectionBody(inner)).map(([args, body]) => `${name}${args} { ${body} }`);
      }),
    ),
  );
  return fc.tuple(fields, nested).map(([f, n]) => [...f, ...n].join(' '));
}

function rootField(ids: Record<string, string[]>): fc.Arbitrary<string> {
  return fc.constantFrom(...Object.keys(ROOTS)).chain((type) => {
    const [single, plural] = ROOTS[type];
    const lookup = fc.constantFrom(...ids[type]).chain((id) => record(type, 1).map((body) => `${single}(id: "${id}") { ${body} }`));
    const list = fc.tuple(connectionArgs(type, true), connectionBody(record(type, 1))).map(([args, body]) => `${plural}${args} { ${body} }`);
    return fc.oneof(lookup, list);
  });
}

let planners: Planners;
let ids: Record<string, string[]>;

beforeAll(async () => {
  planners = await startPlanners(['on', 'off'], { emulator: { companies: 30, latencyMs: 0 } });
  ids = {};
  for (const [type, [, plural]] of Object.entries(ROOTS)) ids[type] = (await fetchAll(planners.emulator, plural)).slice(0, 5).map((r) => r.id);
}, 60_000);

afterAll(async () => {
  await planners?.close();
});

it(`answers ${RUNS} random queries the same with and without the planner`, async () => {
  let checked = 0;
  let withData = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(rootField(ids), { minLength: 1, maxLength: 3 }), async (fields) => {
      const query = `{ ${fields.map((field, i) => `r${i}: ${field}`).join(' ')} }`;
      const on = await planners.run('on', query);
      const off = await planners.run('off', query);
      expect(on.body.errors?.map((e) => e.extensions?.code), query).toEqual(off.body.errors?.map((e) => e.extensions?.code));
      expect(on.body.data, query).toEqual(off.body.data);
      expect(on.cost.calls, query).toBeLessThanOrEqual(off.cost.calls + 1);
      checked++;
      if (on.body.data && !on.body.errors) withData++;
    }),
    { numRuns: RUNS, seed: Number(process.env.SEED ?? 8) },
  );
  expect(checked).toBe(RUNS);
  expect(withData).toBeGreaterThan(RUNS * 0.8);
}, 120_000);
