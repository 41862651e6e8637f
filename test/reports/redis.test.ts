/**
 * Report caches shared through Redis (`REDIS_URL`): two BFF instances on one real Redis and one
 * emulator; a report computed by one is warm on the other, a write through either drops it on
 * both; when Redis fails, each instance caches in its own memory (never an error), and when it is
 * back the writes it saw meanwhile reach the others.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import { ReportCache } from '../../src/reports/cache.js';
import { RedisReportStore } from '../../src/reports/redis-store.js';
import { freePort, startRedis, tcpProxy, type RunningRedis } from '../support/redis.js';
import { startStack, type GraphQLResponseBody, type Stack } from '../support/stack.js';
import type { Rec } from '../emulator/helpers.js';
import { waitFor } from '../feeds/helpers.js';

let redis: RunningRedis;
let stack: Stack;
let other: RunningServer;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startStack({ emulator: { companies: 10 }, config: { redisUrl: redis.url } });
  other = await listen(createApp(stack.config), 0, '127.0.0.1');
});
afterAll(async () => {
  await other?.close();
  await stack?.close();
  await redis?.close();
});

/** Runs `query` on the instance at `url` (it must succeed); returns its data and the REST calls it made. */
async function measured(url: string, query: string): Promise<{ data: Rec; calls: string[] }> {
  stack.resetCalls();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.emulator.keys.acme}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as GraphQLResponseBody<Rec>;
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return { data: body.data!, calls: stack.restCalls().map((c) => `${c.method} ${c.path}`) };
}

const A = () => stack.server.url;
const B = () => other.url;
const PIPELINE = '{ pipeline { count totals { amountMicros currencyCode } stages { stage count } } }';
const GROUPS = '{ opportunityGroups(by: [STAGE]) { key count } }';

describe('report caches on one Redis', () => {
  it('are warm on one instance after another computed them, and a write through either drops them on both', async () => {
    const cold = await measured(A(), PIPELINE);
    expect(cold.calls).toContain('GET /rest/opportunities/groupBy');
    await measured(A(), GROUPS);
    // Instance B never computed them: zero REST calls. (The workspace metadata a pipeline also
    // reads is cached per process, 60 s; these two instances share one process.)
    const warm = await measured(B(), PIPELINE);
    expect(warm.calls).toEqual([]);
    expect(warm.data).toEqual(cold.data);
    expect((await measured(B(), GROUPS)).calls).toEqual([]);

    // A write through A: B computes again, and sees it.
    await measured(A(), 'mutation { createOpportunity(input: { name: "Shared cache buster", stage: "NEW", amount: { amountMicros: "1000000", currencyCode: "XTS" } }) { id } }');
    const after = await measured(B(), PIPELINE);
    expect(after.calls).toEqual(['GET /rest/opportunities/groupBy']);
    expect(after.data.pipeline.count).toBe(cold.data.pipeline.count + 1);
    expect(after.data.pipeline.totals).toContainEqual({ amountMicros: '1000000', currencyCode: 'XTS' });
    // And A reads what B computed.
    expect((await measured(A(), PIPELINE)).calls).toEqual([]);

    // A write through B to companies drops company reports on A, not opportunity reports.
    const companies = '{ companyGroups(by: [ACCOUNT_OWNER_ID]) { count } }';
    await measured(A(), companies);
    await measured(B(), 'mutation { createCompany(input: { name: "Shared cache company" }) { id } }');
    expect((await measured(A(), companies)).calls).toEqual(['GET /rest/companies/groupBy']);
    expect((await measured(A(), PIPELINE)).calls).toEqual([]);
  });

  it('fall back to each instance’s memory when Redis cannot be reached: no error, still cached', async () => {
    const warnings: string[] = [];
    const lonely = await startStack({
      emulator: { companies: 3 },
      config: { redisUrl: `redis://127.0.0.1:${await freePort()}` },
      logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }),
    });
    try {
      const run = async () => {
        lonely.resetCalls();
        const { body } = await lonely.query(PIPELINE);
        expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
        return { data: body.data, calls: lonely.restCalls().length };
      };
      const cold = await run();
      expect(cold.calls).toBeGreaterThan(0);
      expect(await run()).toEqual({ data: cold.data, calls: 0 });
      const { body } = await lonely.query('mutation { createOpportunity(input: { name: "Local", stage: "NEW" }) { id } }');
      expect(body.errors).toBeUndefined();
      const after = await run();
      expect(after.calls).toBe(1);
      expect(after.data.pipeline.count).toBe(cold.data.pipeline.count + 1);
      expect(warnings.filter((line) => line.includes('report caches are per instance'))).toHaveLength(1);
    } finally {
      await lonely.close();
    }
  });
});

describe('RedisReportStore across an outage of one instance', () => {
  it('caches in memory meanwhile, and when Redis is back bumps what it saw written, so the others drop it too', async () => {
    const proxy = await tcpProxy(Number(new URL(redis.url).port));
    const events: Array<string | undefined> = [];
    const cut = new RedisReportStore({ url: proxy.url, prefix: 'outage:', retryAfterMs: 100, onFallback: (error) => events.push(error?.message) });
    const steady = new RedisReportStore({ url: redis.url, prefix: 'outage:' });
    const [one, two] = [new ReportCache(cut, 60_000), new ReportCache(steady, 60_000)];
    const computed: string[] = [];
    const compute = (value: string) => async () => {
      computed.push(value);
      return value;
    };
    try {
      expect(await two.get('token', 'opportunities', 'pipeline', compute('before'))).toBe('before');
      expect(await one.get('token', 'opportunities', 'pipeline', compute('never'))).toBe('before');

      proxy.cut();
      await one.wrote('token', 'opportunities');
      expect(events).toHaveLength(1);
      expect(events[0]).toEqual(expect.any(String));
      // Meanwhile: its own memory, with its own write seen.
      expect(await one.get('token', 'opportunities', 'pipeline', compute('during'))).toBe('during');
      expect(await one.get('token', 'opportunities', 'pipeline', compute('never'))).toBe('during');
      // The other instance could not know.
      expect(await two.get('token', 'opportunities', 'pipeline', compute('never'))).toBe('before');

      await proxy.restore();
      // Once its client has reconnected (and the retry period passed), it is back on Redis.
      const back = await waitFor(async () => {
        const value = await one.get('token', 'opportunities', 'pipeline', compute('after'));
        return value !== 'during' && value;
      });
      expect(back).toBe('after');
      expect(events).toEqual([events[0], undefined]);
      // The write made during the outage reached the other instance.
      expect(await two.get('token', 'opportunities', 'pipeline', compute('never'))).toBe('after');
      expect(computed).toEqual(['before', 'during', 'after']);
    } finally {
      await cut.close();
      await steady.close();
      await proxy.close();
    }
  });
});
