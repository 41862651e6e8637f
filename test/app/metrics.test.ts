/**
 * What an operator reads on `/metrics`, scraped over HTTP from a running stack: each series moves
 * when its event happens (a wait and a refusal in the outbound budget, a 429 from Twenty and the
 * pause it causes, a GET shared by two operations, a report served from the cache, an operation
 * refused by each limit, the planner's estimate against the calls made), and no label grows with
 * the callers' operation names or API keys.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { Metrics } from '../../src/metrics.js';
import { workspaceKey } from '../../src/twenty/workspace-key.js';
import { moved, scrape } from '../support/metrics.js';
import { startStack, type Stack } from '../support/stack.js';

const open: Stack[] = [];
afterAll(async () => {
  await Promise.all(open.map((stack) => stack.close()));
});

async function stackWith(options: Parameters<typeof startStack>[0]): Promise<Stack> {
  const stack = await startStack(options);
  open.push(stack);
  return stack;
}

/** One REST call each, never shared with another (distinct filters). */
const oneCall = (tag: string) => `query Tagged { companies(first: 1, filter: { name: { eq: "${tag}" } }) { totalCount } }`;

describe('the outbound budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    // 4 calls a second: a burst of 10 waits, and the calls whose wait would pass 600 ms are refused.
    stack = await stackWith({ emulator: { companies: 3 }, config: { twentyRateLimitPerSecond: 4, twentyRateLimitPerMinute: 0, rateLimitMaxWaitMs: 600 } });
  });

  it('counts the calls it admits and how long they waited, and the calls it refuses RATE_LIMITED', async () => {
    const before = await scrape(stack.server.url);
    stack.resetCalls();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.query(oneCall(`burst-${i}`))));
    const refusedAnswers = answers.filter((a) => a.body.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED')).length;
    const after = await scrape(stack.server.url);

    const sent = stack.restCalls().length;
    const interactive = { priority: 'interactive' };
    expect(moved(before, after, 'twenty_bff_budget_admitted_total', interactive)).toBe(sent);
    expect(moved(before, after, 'twenty_bff_budget_wait_seconds_count', interactive)).toBe(sent);
    // Some waited for the bucket to refill (4 a second: a quarter of a second each)...
    const quick = moved(before, after, 'twenty_bff_budget_wait_seconds_bucket', { ...interactive, le: '0.05' });
    expect(quick).toBeLessThan(sent);
    expect(moved(before, after, 'twenty_bff_budget_wait_seconds_sum', interactive)).toBeGreaterThan(0.1);
    // ...and those that could not be served within 600 ms were refused, one count each.
    expect(refusedAnswers).toBeGreaterThan(0);
    expect(moved(before, after, 'twenty_bff_budget_refused_total', interactive)).toBe(refusedAnswers);
    expect(sent + refusedAnswers).toBe(10);
    // Nothing waits now.
    expect(after.value('twenty_bff_budget_waiting_calls')).toBe(0);
    expect(after.value('twenty_bff_budget_in_flight_calls')).toBe(0);
  });
});

describe("Twenty's 429s and shared GETs", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({ emulator: { companies: 3 } });
  });

  it('count each 429 and the pause it started, which shows while it lasts', async () => {
    const before = await scrape(stack.server.url);
    stack.resetCalls();
    stack.emulator.injectFault({ kind: '429', times: 1, path: '/rest/companies', retryAfterSeconds: 1 });
    const answer = stack.query(oneCall('limited'));
    for (let i = 0; i < 200 && !stack.restCalls().some((call) => call.status === 429); i++) await new Promise((r) => setTimeout(r, 10));
    const during = await scrape(stack.server.url);
    expect(during.value('twenty_bff_budget_paused_keys')).toBe(1);
    expect((await answer).body.errors).toBeUndefined();

    stack.emulator.injectFault({ kind: '429-plain', times: 1, path: '/rest/companies' });
    expect((await stack.query(oneCall('limited-plain'))).body.errors).toBeUndefined();
    const after = await scrape(stack.server.url);
    expect(moved(before, after, 'twenty_bff_upstream_rate_limited_total')).toBe(2);
    expect(moved(before, after, 'twenty_bff_budget_pause_seconds_count')).toBe(2);
    // Retry-After: 1 s; the plain 429's backoff: 0.5 to 1 s.
    expect(moved(before, after, 'twenty_bff_budget_pause_seconds_sum')).toBeGreaterThanOrEqual(1.4);
    expect(moved(before, after, 'twenty_bff_upstream_requests_total', { status: '429' })).toBe(2);
  });

  it('count the GETs an operation did not send because an identical one was in flight', async () => {
    stack.emulator.setLatency(300);
    try {
      const query = 'query Shared { companies(first: 2) { edges { node { name } } } }';
      await stack.query(query); // metadata and facts learned: the two below make the same calls
      const before = await scrape(stack.server.url);
      stack.resetCalls();
      const answers = await Promise.all([stack.query(query), stack.query(query)]);
      for (const answer of answers) expect(answer.body.errors).toBeUndefined();
      const after = await scrape(stack.server.url);
      const sent = stack.restCalls().filter((call) => call.object === 'companies').length;
      expect(sent).toBe(1);
      expect(moved(before, after, 'twenty_bff_upstream_coalesced_total', { object: 'companies' })).toBe(1);
    } finally {
      stack.emulator.setLatency(0);
    }
  });

  it('count report cache misses, then hits', async () => {
    const report = '{ pipeline { count stages { stage count } } }';
    const before = await scrape(stack.server.url);
    expect((await stack.query(report)).body.errors).toBeUndefined();
    const first = await scrape(stack.server.url);
    const misses = moved(before, first, 'twenty_bff_report_cache_lookups_total', { result: 'miss' });
    expect(misses).toBeGreaterThan(0);
    expect(moved(before, first, 'twenty_bff_report_cache_lookups_total', { result: 'hit' })).toBe(0);
    stack.resetCalls();
    expect((await stack.query(report)).body.errors).toBeUndefined();
    const second = await scrape(stack.server.url);
    expect(moved(first, second, 'twenty_bff_report_cache_lookups_total', { result: 'hit' })).toBe(misses);
    expect(moved(first, second, 'twenty_bff_report_cache_lookups_total', { result: 'miss' })).toBe(0);
    expect(stack.restCalls().filter((call) => call.object === 'opportunities')).toHaveLength(0);
  });

  it("record the planner's estimate against the calls each operation made", async () => {
    const before = await scrape(stack.server.url);
    stack.resetCalls();
    const { body } = await stack.query('query Planned { companies(first: 3) { edges { node { name people(first: 2) { edges { node { jobTitle } } } } } } }');
    expect(body.errors).toBeUndefined();
    const after = await scrape(stack.server.url);
    const calls = stack.restCalls().length;
    expect(calls).toBeGreaterThan(0);
    expect(moved(before, after, 'twenty_bff_graphql_operation_upstream_calls_count', { type: 'query' })).toBe(1);
    expect(moved(before, after, 'twenty_bff_graphql_operation_upstream_calls_sum', { type: 'query' })).toBe(calls);
    expect(moved(before, after, 'twenty_bff_planner_calls_total')).toBe(calls);
    expect(moved(before, after, 'twenty_bff_planner_estimated_calls_total')).toBe(calls);
    expect(moved(before, after, 'twenty_bff_planner_estimate_exceeded_total')).toBe(0);
  });
});

describe('operations refused QUERY_TOO_EXPENSIVE', () => {
  let stack: Stack;
  beforeAll(async () => {
    const limits = { ...parseConfig({}).limits, depth: 6, aliases: 2, tokens: 80 };
    stack = await stackWith({ emulator: { companies: 3 }, config: { limits, maxOperationCalls: 1, maxResponseRecords: 100 } });
  });

  it('are counted by the limit they passed, each time, before any REST call', async () => {
    const refusals: Array<[string, string]> = [
      ['MAX_DEPTH', '{ companies { edges { node { people { edges { node { name } } } } } } }'],
      ['MAX_ALIASES', '{ a: companies(first: 1) { totalCount } b: companies(first: 2) { totalCount } c: companies(first: 3) { totalCount } }'],
      ['MAX_TOKENS', `{ companies(first: 1) { ${'totalCount '.repeat(100)} } }`],
      // The same document again: its parse error comes from yoga's cache, and is counted too.
      ['MAX_TOKENS', `{ companies(first: 1) { ${'totalCount '.repeat(100)} } }`],
      ['MAX_OPERATION_CALLS', '{ companies(first: 1) { totalCount } people(first: 1) { totalCount } }'],
      ['MAX_RESPONSE_RECORDS', '{ companies(first: 150) { edges { node { name } } } }'],
    ];
    const before = await scrape(stack.server.url);
    stack.resetCalls();
    for (const [limit, query] of refusals) {
      const { body } = await stack.query(query);
      expect(body.errors?.[0].extensions?.code, limit).toBe('QUERY_TOO_EXPENSIVE');
    }
    const after = await scrape(stack.server.url);
    expect(stack.restCalls()).toHaveLength(0);
    for (const limit of new Set(refusals.map(([name]) => name))) {
      const times = refusals.filter(([name]) => name === limit).length;
      expect(moved(before, after, 'twenty_bff_graphql_refused_total', { limit }), limit).toBe(times);
    }
    // The planner's refusals are operations that ended in an error.
    expect(moved(before, after, 'twenty_bff_graphql_operations_total', { outcome: 'error' })).toBe(2);
  });
});

describe('labels', () => {
  it('stay bounded whatever the operation names and API keys: no key, nor its hash, in any series', async () => {
    const stack = await stackWith({ emulator: { companies: 2 } });
    const keys = Array.from({ length: 60 }, (_, i) => `metrics-test-key-${i}-${'x'.repeat(20)}`);
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // Unknown keys: Twenty refuses them (401), after a REST call through the budget.
        const { status } = await stack.query(`query Op${i} { companies(first: 1) { totalCount } }`, undefined, { key: keys[i] });
        expect(status).toBe(401);
      }
    };
    await run(0, 10);
    const early = (await scrape(stack.server.url)).series().filter((s) => !s.includes('name="Op'));
    await run(10, 60);
    // Without the operation names, the same series after 60 keys as after 10.
    expect((await scrape(stack.server.url)).series().filter((s) => !s.includes('name="Op'))).toEqual(early);
    for (let i = 0; i < 120; i++) await stack.query(`query Name${i} { companies(first: 1) { totalCount } }`);
    const late = await scrape(stack.server.url);
    // Operation names: the first 100 keep theirs, the others share one.
    expect(late.labelValues('twenty_bff_graphql_operations_total', 'name').size).toBe(101);
    for (const key of keys) {
      expect(late.text).not.toContain(key);
      expect(late.text).not.toContain(workspaceKey(stack.emulator.url, key).slice(0, 8));
    }
    // Every label of every series, names aside, is one of a few values.
    for (const series of late.series()) expect(series.length, series).toBeLessThan(200);
  });
});

describe('the README', () => {
  it('lists every metric with its type and labels, and nothing that does not exist', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Metrics'), readme.indexOf('## Development'));
    const documented = new Map<string, { type: string; labels: string[] }>();
    for (const [, name, type, labels] of section.matchAll(/^\| `(twenty_bff_\w+)` \| (\w+) \|([^|]*)\|/gm)) {
      documented.set(name, { type, labels: [...labels.replace(/\([^)]*\)/g, '').matchAll(/`(\w+)`/g)].map((m) => m[1]).sort() });
    }
    const metrics = new Metrics();
    const actual = new Map<string, { type: string; labels: string[] }>();
    for (const metric of metrics.registry.getMetricsAsArray()) {
      const { name, type, labelNames } = metric as unknown as { name: string; type: string; labelNames: string[] };
      if (name.startsWith('twenty_bff_')) actual.set(name, { type, labels: [...labelNames].sort() });
    }
    expect(actual.size).toBeGreaterThan(20);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
