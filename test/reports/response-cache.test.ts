// The opt-in whole-response cache (RESPONSE_CACHE_TTL_MS): per API key, never across keys,
// dropped by the same key's writes through the BFF to the objects a response read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { Rec } from '../emulator/helpers.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 20 }, config: { responseCacheTtlMs: 60_000 } });
});
afterAll(() => stack?.close());

async function measured(query: string, key?: string | null): Promise<{ status: number; body: Rec; calls: string[] }> {
  stack.resetCalls();
  const { status, body } = await stack.query(query, undefined, key === undefined ? {} : { key });
  return { status, body, calls: stack.restCalls().map((c) => `${c.method} ${c.path}`) };
}

const COMPANIES = `{ companies(first: 5, orderBy: [{ field: NAME }]) { totalCount edges { node { id name } } } }`;
const COUNT_ONLY = `{ companies { totalCount } }`;
const PIPELINE = `{ pipeline { count } }`;

describe('the response cache', () => {
  it('serves a repeated query without a REST call', async () => {
    const cold = await measured(COMPANIES);
    expect(cold.calls).toEqual(['GET /rest/companies']);
    const warm = await measured(COMPANIES);
    expect(warm.calls).toEqual([]);
    expect(warm.body).toEqual(cold.body);
  });

  it('never serves one key the response cached for another', async () => {
    await measured(COMPANIES);
    const globex = await measured(COMPANIES, stack.emulator.keys.globex);
    expect(globex.calls).toEqual(['GET /rest/companies']);
    expect(globex.body.data).not.toEqual((await measured(COMPANIES)).body.data);
  });

  // Caching is off without a usable key by construction (no session); what shows is the refusal.
  it('refuses a request without a key every time, the cache on', async () => {
    for (let i = 0; i < 2; i++) {
      const { status, body } = await measured(COUNT_ONLY, null);
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('drops the responses that read an object when the same key writes to it, entities or not', async () => {
    const before = await measured(COUNT_ONLY);
    await measured(PIPELINE);
    expect((await measured(COUNT_ONLY)).calls).toEqual([]);
    const globexBefore = await measured(COUNT_ONLY, stack.emulator.keys.globex);

    const created = await measured(`mutation { createCompany(input: { name: "Response cache" }) { id } }`);
    expect(created.body.errors).toBeUndefined();
    const after = await measured(COUNT_ONLY);
    expect(after.calls).toEqual(['GET /rest/companies']);
    expect(after.body.data.companies.totalCount).toBe(before.body.data.companies.totalCount + 1);
    // Responses that read other objects stay; other keys' responses are theirs.
    expect((await measured(PIPELINE)).calls).toEqual([]);
    expect((await measured(COUNT_ONLY, stack.emulator.keys.globex)).calls).toEqual([]);
    expect(globexBefore.body.data.companies.totalCount).toBeGreaterThan(0);

    // A write to opportunities drops the pipeline report too (its response and its report cache).
    await measured(`mutation { createOpportunity(input: { name: "Response cache deal", stage: "NEW" }) { id } }`);
    const pipeline = await measured(PIPELINE);
    expect(pipeline.calls).toEqual(['GET /rest/opportunities/groupBy']);
  });

  it('drops a company list that holds the record updated', async () => {
    const { body } = await measured(COMPANIES);
    const first = body.data.companies.edges[0].node;
    await measured(`mutation { updateCompany(id: "${first.id}", input: { name: "${first.name}" }) { id } }`);
    expect((await measured(COMPANIES)).calls).toEqual(['GET /rest/companies']);
  });

  it('reports a hit as costing no REST call under DEBUG_UPSTREAM', async () => {
    const debug = await startStack({ emulator: { companies: 3 }, config: { responseCacheTtlMs: 60_000, debugUpstream: true } });
    try {
      const miss = await debug.query(COUNT_ONLY);
      const hit = await debug.query(COUNT_ONLY);
      expect(miss.body.extensions?.upstream).toMatchObject({ calls: 1 });
      expect(hit.body.extensions?.upstream).toEqual({ calls: 0, ms: 0 });
      expect(hit.body.data).toEqual(miss.body.data);
    } finally {
      await debug.close();
    }
  });

  it('is off by default', async () => {
    const plain = await startStack({ emulator: { companies: 3 } });
    try {
      for (let i = 0; i < 2; i++) {
        plain.resetCalls();
        await plain.query(COUNT_ONLY);
        expect(plain.restCalls()).toHaveLength(1);
      }
    } finally {
      await plain.close();
    }
  });
});
