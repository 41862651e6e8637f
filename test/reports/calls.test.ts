// What reports cost upstream: one groupBy per report cold (plus the workspace metadata when not
// cached), none warm, one for a report under a page of 60 companies; the cache is per token and
// dropped by the token's own writes (§7, §9: every call spends the workspace's budget).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { Rec } from '../emulator/helpers.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Runs `query` (it must succeed) and returns its data and the REST calls it made, as `METHOD /path`. */
async function measured(target: Stack, query: string, key?: string): Promise<{ data: Rec; calls: string[]; log: Rec[] }> {
  target.resetCalls();
  const { body } = await target.query(query, undefined, key === undefined ? {} : { key });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const log = target.restCalls() as unknown as Rec[];
  return { data: body.data as Rec, calls: log.map((c) => `${c.method} ${c.path}`), log };
}

const PIPELINE = `{ pipeline { count totals { amountMicros currencyCode } } }`;

describe('REST calls of reports', () => {
  it('costs one groupBy cold (with the metadata, not yet cached), none warm', async () => {
    const cold = await measured(stack, PIPELINE);
    expect(cold.calls.sort()).toEqual(['GET /rest/metadata/objects', 'GET /rest/opportunities/groupBy']);
    const warm = await measured(stack, PIPELINE);
    expect(warm.calls).toEqual([]);
    expect(warm.data).toEqual(cold.data);
  });

  it('costs one call per report once the metadata is cached, whatever the report', async () => {
    for (const query of [
      `{ forecast(from: "2026-01-01", to: "2027-01-01") { periods { count } } }`,
      `{ opportunityGroups(by: [STAGE, COMPANY_ID]) { key count labels } }`,
      `{ companyGroups(by: [ACCOUNT_OWNER_ID]) { count sums { number } } }`,
      `{ pipeline(filter: { stage: { neq: "NEW" } }, probabilities: [{ stage: "MEETING", probability: 0.5 }]) { count } }`,
    ]) {
      expect((await measured(stack, query)).calls, query).toHaveLength(1);
      expect((await measured(stack, query)).calls, query).toEqual([]);
    }
  });

  it('costs one round trip of two groupBy calls for the task summary', async () => {
    const cold = await measured(stack, `{ taskSummary { open overdue } }`);
    expect(cold.calls).toEqual(['GET /rest/tasks/groupBy', 'GET /rest/tasks/groupBy']);
    expect((await measured(stack, `{ taskSummary { open overdue } }`)).calls).toEqual([]);
  });

  it('costs one groupBy for the pipelines of a page of 60 companies, by companyId[in]', async () => {
    const query = `{ companies(first: 60) { edges { node { pipeline { totals { amountMicros currencyCode } } } } } }`;
    const cold = await measured(stack, query);
    expect(cold.calls).toEqual(['GET /rest/companies', 'GET /rest/opportunities/groupBy']);
    const groupBy = cold.log.find((c) => c.path.endsWith('/groupBy'))!;
    expect(groupBy.query.filter).toMatch(/companyId\[in\]:\[/);
    expect(groupBy.query.filter.match(/[0-9a-f]{8}-[0-9a-f]{4}-/g)).toHaveLength(60);
    // Warm: the list is read again (lists are not report-cached), the 60 pipelines are not.
    expect((await measured(stack, query)).calls).toEqual(['GET /rest/companies']);
  });

  it('drops the reports of an object at once when this token writes to it, not others', async () => {
    const before = await measured(stack, PIPELINE);
    expect(before.calls).toEqual([]);
    const companyReport = `{ companyGroups(by: [ACCOUNT_OWNER_ID]) { count } }`;
    await measured(stack, companyReport);

    const { data } = await measured(stack, `mutation { createOpportunity(input: { name: "Cache buster", stage: "NEW", amount: { amountMicros: "1000000", currencyCode: "XTS" } }) { id } }`);
    const after = await measured(stack, PIPELINE);
    expect(after.calls).toEqual(['GET /rest/opportunities/groupBy']);
    expect(after.data.pipeline.count).toBe(before.data.pipeline.count + 1);
    expect(after.data.pipeline.totals).toContainEqual({ amountMicros: '1000000', currencyCode: 'XTS' });
    // A write to opportunities leaves company reports cached.
    expect((await measured(stack, companyReport)).calls).toEqual([]);

    // Deleting (soft) is a write too, and a soft-deleted deal no longer counts.
    await measured(stack, `mutation { deleteOpportunity(id: "${data.createOpportunity.id}") { id } }`);
    const deleted = await measured(stack, PIPELINE);
    expect(deleted.calls).toEqual(['GET /rest/opportunities/groupBy']);
    expect(deleted.data).toEqual(before.data);
  });

  it('sees a write earlier in the same operation', async () => {
    const { data } = await measured(
      stack,
      `mutation { createOpportunity(input: { name: "Same request", stage: "MEETING", amount: { amountMicros: "7000000", currencyCode: "XTS" } }) { company { id } companyId } }`,
    );
    expect(data.createOpportunity.companyId).toBeNull();
    const { data: after } = await measured(stack, `{ pipeline { stages { stage totals { amountMicros currencyCode } } } }`);
    const meeting = after.pipeline.stages.find((s: Rec) => s.stage === 'MEETING');
    expect(meeting.totals).toContainEqual({ amountMicros: '7000000', currencyCode: 'XTS' });
  });

  it('never serves one key the reports cached for another', async () => {
    const acme = await measured(stack, PIPELINE);
    expect(acme.calls).toEqual([]);
    const globex = await measured(stack, PIPELINE, stack.emulator.keys.globex);
    expect(globex.calls.sort()).toEqual(['GET /rest/metadata/objects', 'GET /rest/opportunities/groupBy']);
    expect(globex.log.every((c) => c.workspace === 'globex')).toBe(true);
    expect(globex.data).not.toEqual(acme.data);
  });
});

describe('the report cache setting', () => {
  it('REPORT_CACHE_TTL_MS=0 turns the cache off; a short one expires', async () => {
    const [off, short] = await Promise.all([
      startStack({ emulator: { companies: 5 }, config: { reportCacheTtlMs: 0 } }),
      startStack({ emulator: { companies: 5 }, config: { reportCacheTtlMs: 1_000 } }),
    ]);
    try {
      await measured(off, PIPELINE);
      expect((await measured(off, PIPELINE)).calls).toEqual(['GET /rest/opportunities/groupBy']);
      await measured(short, PIPELINE);
      expect((await measured(short, PIPELINE)).calls).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await measured(short, PIPELINE)).calls).toEqual(['GET /rest/opportunities/groupBy']);
    } finally {
      await Promise.all([off.close(), short.close()]);
    }
  });
});
