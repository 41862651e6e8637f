/**
 * Errors stay local: a failing relation or root list costs only its own field, and a refused
 * mutation does not hide what the mutations before it applied.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { rest, type Rec } from '../emulator/helpers.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
let stack: Stack;

beforeAll(async () => {
  // The planner off: these tests fail one relation's own call (people, note targets), which the
  // planner would fold into its parent's call (depth=1) or a grouped count.
  stack = await startStack({ emulator: { companies: 6 }, config: { upstreamMaxRetries: 0, planner: { enabled: false, disabled: [] } } });
});
afterEach(() => stack?.resetCalls());
afterAll(() => stack?.close());

describe('a failing relation', () => {
  it('leaves its siblings and its parents their data (a 500 under companies { people })', async () => {
    stack.emulator.injectFault({ kind: '500', times: 10, method: 'GET', path: '/rest/people' });
    const { status, body } = await stack.query(`{
      companies(first: 3) { totalCount edges { node { name people { totalCount } opportunities { totalCount } } } }
    }`);
    expect(status).toBe(200);
    const edges = body.data.companies.edges as Rec[];
    expect(edges).toHaveLength(3);
    for (const { node } of edges) {
      expect(typeof node.name).toBe('string');
      expect(node.people).toBeNull();
      expect(typeof node.opportunities.totalCount).toBe('number');
    }
    expect(body.errors?.length).toBe(3);
    for (const error of body.errors!) {
      expect(error.path?.at(-1)).toBe('people');
      expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    }
  });

  it('leaves the other root lists their data', async () => {
    stack.emulator.injectFault({ kind: '500', times: 10, method: 'GET', path: '/rest/people' });
    const { body } = await stack.query('{ companies(first: 1) { totalCount } people(first: 1) { totalCount } }');
    expect(body.data).toEqual({ companies: { totalCount: 6 }, people: null });
    expect(body.errors?.map((e) => e.path)).toEqual([['people']]);
  });

  it('keeps a note whose targets cannot be read', async () => {
    stack.emulator.injectFault({ kind: '500', times: 10, method: 'GET', path: '/rest/noteTargets' });
    const { body } = await stack.query('{ notes(first: 2) { edges { node { title targets { id } } } } }');
    const notes = (body.data.notes.edges as Rec[]).map((e) => e.node);
    expect(notes).toHaveLength(2);
    expect(notes.every((note) => typeof note.title === 'string' && note.targets === null)).toBe(true);
  });
});

describe('mutations', () => {
  it('return the data of those applied before one that is refused', async () => {
    const name = `Applied first ${Date.now()}`;
    const { status, body } = await stack.query(
      `mutation($missing: ID!) {
        first: createCompany(input: { name: "${name}" }) { id name }
        second: updateCompany(id: $missing, input: { name: "never" }) { id }
        third: createCompany(input: { name: "${name} too" }) { name }
      }`,
      { missing: MISSING_ID },
    );
    expect(status).toBe(200);
    expect(body.data.first.name).toBe(name);
    expect(body.data.second).toBeNull();
    expect(body.data.third).toEqual({ name: `${name} too` });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['second'], 'NOT_FOUND']]);
    // The id the client got is the record Twenty holds: no reason to retry into a duplicate.
    const saved = await rest(stack.emulator, `/rest/companies/${body.data.first.id}`);
    expect(saved.body.data.company.name).toBe(name);
  });
});
