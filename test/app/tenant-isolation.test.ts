import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll } from '../emulator/helpers.js';
import { startStack, type Stack } from '../support/stack.js';

/** All company ids a key can see, straight from the emulator's REST API. */
async function companyIdsOf(stack: Stack, key: string): Promise<Set<string>> {
  return new Set((await fetchAll(stack.emulator, 'companies', {}, key)).map((company) => company.id as string));
}

const NESTED = `query Nested($first: Int) {
  companies(first: $first) {
    totalCount
    edges { node { id name people(first: 5) { edges { node { id companyId company { id } } } } } }
  }
}`;

describe('tenant isolation', () => {
  let stack: Stack;
  let acme: Set<string>;
  let globex: Set<string>;

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 40 } });
    acme = await companyIdsOf(stack, stack.emulator.keys.acme);
    globex = await companyIdsOf(stack, stack.emulator.keys.globex);
  });
  afterAll(() => stack?.close());

  it('has disjoint demo workspaces to tell apart', () => {
    expect(acme.size).toBeGreaterThan(0);
    expect(globex.size).toBeGreaterThan(0);
    expect([...acme].some((id) => globex.has(id))).toBe(false);
  });

  it('never shows one key the records of the other, across 40 interleaved concurrent requests', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => (i % 2 ? stack.emulator.keys.globex : stack.emulator.keys.acme));
    const results = await Promise.all(keys.map((key) => stack.query(NESTED, { first: 30 }, { key })));
    results.forEach(({ body }, i) => {
      expect(body.errors).toBeUndefined();
      const own = keys[i] === stack.emulator.keys.acme ? acme : globex;
      const ids = body.data.companies.edges.map((edge: any) => edge.node.id);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(own.has(id)).toBe(true);
      for (const edge of body.data.companies.edges) {
        for (const person of edge.node.people.edges) expect(person.node.company.id).toBe(edge.node.id);
      }
      expect(body.data.companies.totalCount).toBe(own.size);
    });
  });

  it('answers null when one key asks for a record of the other by id', async () => {
    const globexId = [...globex][0];
    const { body } = await stack.query('query($id: ID!) { company(id: $id) { id name } }', { id: globexId });
    expect(body.errors).toBeUndefined();
    expect(body.data.company).toBeNull();
  });

  it('does not let a cached lookup of one key answer another key in the same process', async () => {
    const acmeId = [...acme][0];
    const asAcme = await stack.query('query($id: ID!) { company(id: $id) { id } }', { id: acmeId });
    expect(asAcme.body.data.company?.id).toBe(acmeId);
    const asGlobex = await stack.query('query($id: ID!) { company(id: $id) { id } }', { id: acmeId }, {
      key: stack.emulator.keys.globex,
    });
    expect(asGlobex.body.data.company).toBeNull();
  });
});
