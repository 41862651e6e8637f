/**
 * The workspace's outbound budget, against the emulator's real token buckets (§9) scaled down
 * to a second or so: no 429 when the BFF is the workspace's only client, priority order, fair
 * share between operations, 429s from another client absorbed, and the wait bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RateLimitedError } from '../../src/errors.js';
import type { AdmitEvent } from '../../src/twenty/budget/budget.js';
import type { CallPriority, TransportOptions, TwentyTransport } from '../../src/twenty/client.js';
import { RedisBudgetStore } from '../../src/twenty/budget/redis-store.js';
import { rest } from '../emulator/helpers.js';
import { startRedis } from '../support/redis.js';
import { recordingTransport, startTestEmulator, thrown } from './helpers.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setUp(rateLimit: { shortLimit?: number; shortTtlMs?: number; longLimit: number; longTtlMs: number }, options: Partial<TransportOptions> = {}) {
  const emulator = await startTestEmulator({ rateLimit });
  const admitted: AdmitEvent[] = [];
  const { transport, calls } = recordingTransport(emulator.url, {
    // The BFF is told the same limits as the emulator enforces.
    buckets: [
      { limit: rateLimit.longLimit, windowMs: rateLimit.longTtlMs },
      { limit: rateLimit.shortLimit ?? 100, windowMs: rateLimit.shortTtlMs ?? 1_000 },
    ],
    onAdmit: (event) => admitted.push(event),
    ...options,
  });
  open.push(transport, emulator);
  return { emulator, transport, calls, admitted, statuses: () => emulator.stats().requests.log.map((e) => e.status) };
}

/** A distinct GET per call (distinct paths are never coalesced), tagged so that the log tells them apart. */
const listTagged = (transport: TwentyTransport, emulator: Emulator, tag: string, priority: CallPriority = 'interactive') =>
  transport.clientFor(emulator.keys.acme, { priority }).list('companies', { filter: `name[eq]:"${tag}"` });

/** A transport with no budget but 100 ms 429 backoffs, and a client that notes when each attempt ended. */
async function timedClient() {
  const emulator = await startTestEmulator();
  const at: Array<{ object: string; status: unknown; time: number }> = [];
  const { transport } = recordingTransport(emulator.url, { rateLimitBackoffMs: 100 });
  open.push(transport, emulator);
  const client = transport.clientFor(emulator.keys.acme, { onCall: (e) => at.push({ object: e.object, status: e.status, time: Date.now() }) });
  return { emulator, client, at };
}

const tagOf = (label: string) => /name%5Beq%5D%3A%22([^%]+)%22/.exec(label)?.[1] ?? label;

describe('a burst beyond the budget', () => {
  it('gets no 429 from a workspace limited to 100 a "minute" (1.2 s here), and is served in priority order', async () => {
    const { emulator, transport, admitted, statuses } = await setUp({ longLimit: 100, longTtlMs: 1_200 });
    const priorities: CallPriority[] = ['interactive', 'report', 'feed'];
    const finished: CallPriority[] = [];
    // 300 operations of one call each, their priorities mixed in arrival order.
    const operations = Array.from({ length: 300 }, (_, i) => {
      const priority = priorities[(i * 7) % 3];
      return listTagged(transport, emulator, `op-${i}`, priority).then(() => finished.push(priority));
    });
    await Promise.all(operations);

    expect(statuses()).toHaveLength(300);
    expect(statuses().filter((s) => s !== 200)).toEqual([]);
    // Admitted strictly by priority: every interactive call, then every report, then every feed.
    const ranks = admitted.map((a) => priorities.indexOf(a.priority));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // And finished so: the last interactive before the first feed, and each class's median in order.
    expect(finished.lastIndexOf('interactive')).toBeLessThan(finished.indexOf('feed'));
    const median = (p: CallPriority) => finished.map((f, i) => (f === p ? i : -1)).filter((i) => i >= 0)[50];
    expect(median('interactive')).toBeLessThan(median('report'));
    expect(median('report')).toBeLessThan(median('feed'));
    // The later calls really waited for the budget (this is not a test that cannot fail).
    expect(Math.max(...admitted.map((a) => a.waitedMs))).toBeGreaterThan(1_000);
  });

  it('shares the budget fairly: a 5-call operation is not queued behind a 20-call one', async () => {
    const { emulator, transport, admitted, statuses } = await setUp({ longLimit: 10, longTtlMs: 500 });
    const big = transport.clientFor(emulator.keys.acme);
    const small = transport.clientFor(emulator.keys.acme);
    const calls = [
      ...Array.from({ length: 20 }, (_, i) => big.list('companies', { filter: `name[eq]:"big-${i}"` })),
      ...Array.from({ length: 5 }, (_, i) => small.list('companies', { filter: `name[eq]:"small-${i}"` })),
    ];
    await Promise.all(calls);
    const order = admitted.map((a) => tagOf(a.label));
    // First come would put the small operation at 21–25; fair share serves it among the first ten.
    expect(order.findLastIndex((tag) => tag.startsWith('small'))).toBeLessThan(10);
    expect(statuses().filter((s) => s === 429)).toEqual([]);
  });
});

describe('several instances', () => {
  it('share one budget through Redis: two BFFs calling one workspace draw no 429', async () => {
    const redis = await startRedis();
    open.push(redis);
    const emulator = await startTestEmulator({ rateLimit: { longLimit: 30, longTtlMs: 1_000 } });
    open.push(emulator);
    const prefix = `budget-test-${Date.now()}:`;
    const instances = [0, 1].map(() => {
      const { transport } = recordingTransport(emulator.url, {
        buckets: [{ limit: 30, windowMs: 1_000 }],
        budgetStore: new RedisBudgetStore({ url: redis.url, prefix }),
      });
      open.unshift(transport); // closed before Redis
      return transport;
    });
    // Each instance alone would think it may send about 22 at once: together they would draw 429s.
    await Promise.all(instances.flatMap((t, n) => Array.from({ length: 40 }, (_, i) => listTagged(t, emulator, `i${n}-${i}`))));
    const statuses = emulator.stats().requests.log.map((e) => e.status);
    expect(statuses).toHaveLength(80);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

describe('the wait bound', () => {
  it('refuses no call that the buckets will serve in time: 30 parallel calls of one operation, 15 of them waiting', async () => {
    // 100 a minute leave plenty; the 20-a-second bucket makes half of them wait up to ~0.75 s.
    const { emulator, transport, statuses } = await setUp({ longLimit: 100, longTtlMs: 60_000, shortLimit: 20, shortTtlMs: 1_000 }, { maxWaitMs: 2_000 });
    const client = transport.clientFor(emulator.keys.acme);
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => client.list('companies', { filter: `name[eq]:"p-${i}"` })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(statuses().filter((s) => s !== 200)).toEqual([]);
  });
});

describe("Twenty's 429s", () => {
  it('absorbs a storm from another client of the workspace: a few 429s, then it yields, and every call succeeds', async () => {
    const { emulator, transport, calls } = await setUp({ longLimit: 20, longTtlMs: 1_000 });
    const bff = Array.from({ length: 40 }, (_, i) => listTagged(transport, emulator, `bff-${i}`));
    // Mid-way, another client of the workspace (a script with the same key) empties Twenty's bucket.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const storm = await Promise.all(Array.from({ length: 25 }, () => rest(emulator, '/rest/people?limit=1')));
    expect(storm.filter((r) => r.status === 429).length).toBeGreaterThan(0);

    const results = await Promise.allSettled(bff);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    // Without the budget's pause, emptied buckets and halved share, its retries met 429 after 429.
    const drawn = calls.filter((c) => c.status === 429).length;
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(6); // with no budget it was one per call: 20 and more
  });

  it('waits after a 429 without Retry-After with a growing, jittered backoff', async () => {
    const { emulator, client, at } = await timedClient();
    emulator.injectFault({ kind: '429-plain', times: 3, method: 'GET', path: '/rest/companies' });
    await client.list('companies');
    expect(at.map((a) => a.status)).toEqual([429, 429, 429, 200]);
    const gaps = at.slice(1).map((a, i) => a.time - at[i].time);
    // Equal jitter: the k-th pause is between half and all of 100·2ᵏ ms (the old client waited 10 ms,
    // the refill time of the bucket its message names).
    gaps.forEach((gap, k) => {
      expect(gap).toBeGreaterThanOrEqual(100 * 2 ** k * 0.5 - 5);
      expect(gap).toBeLessThan(100 * 2 ** k + 500); // slack for a loaded machine
    });
  });

  it("pauses the whole key after a 429, not just the call that drew it", async () => {
    const { emulator, client, at } = await timedClient();
    emulator.injectFault({ kind: '429-plain', times: 1, method: 'GET', path: '/rest/companies' });
    const companies = client.list('companies');
    while (at.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await Promise.all([companies, client.list('people')]);
    const first429 = at.find((a) => a.object === 'companies')!;
    const people = at.find((a) => a.object === 'people')!;
    expect(people.time - first429.time).toBeGreaterThanOrEqual(45);
  });

  it('fails at once with RATE_LIMITED and retryAfterMs when the wait would pass RATE_LIMIT_MAX_WAIT_MS', async () => {
    const { emulator, transport, statuses } = await setUp({ longLimit: 3, longTtlMs: 60_000 }, { maxWaitMs: 1_000, safetyMs: 0 });
    const outcomes: Array<'ok' | RateLimitedError> = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      try {
        await listTagged(transport, emulator, `call-${i}`);
        outcomes.push('ok');
      } catch (error) {
        expect(error).toBeInstanceOf(RateLimitedError);
        // At once: well before the 1 s it may wait.
        expect(Date.now() - started).toBeLessThan(500);
        outcomes.push(error as RateLimitedError);
      }
    }
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    const refused = outcomes.slice(3) as RateLimitedError[];
    expect(refused).toHaveLength(2);
    // One token of 3 a minute comes back in 20 s; the second refused call is further behind.
    for (const error of refused) {
      expect(error.details.retryAfterMs).toBeGreaterThan(15_000);
      expect(error.details.retryAfterMs).toBeLessThanOrEqual(20_000);
    }
    // Twenty never saw the calls beyond the budget, so it never answered 429.
    expect(statuses()).toEqual([200, 200, 200]);
  });

  it('makes a queued call leave with RATE_LIMITED as soon as more urgent calls push it past its bound', async () => {
    const { emulator, transport, admitted, statuses } = await setUp({ longLimit: 2, longTtlMs: 1_000 }, { maxWaitMs: 1_200 });
    // Two feed calls take the bucket (the second after 250 ms of headroom); a third feed call
    // queues, about 500 ms from its token; then two interactive calls jump ahead of it, a token
    // every 500 ms each, and it cannot be served within 1.2 s any more.
    const feed = transport.clientFor(emulator.keys.acme, { priority: 'feed' });
    await Promise.all([feed.list('companies', { filter: 'name[eq]:"f1"' }), feed.list('companies', { filter: 'name[eq]:"f2"' })]);
    const started = Date.now();
    const queued = thrown(() => feed.list('companies', { filter: 'name[eq]:"f3"' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const urgent = [listTagged(transport, emulator, 'i1'), listTagged(transport, emulator, 'i2')];
    const error = await queued;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).details.retryAfterMs).toBeGreaterThan(0);
    // Alone it would have had its token within 1.2 s; it left as soon as it was overtaken, not at its bound.
    expect(Date.now() - started).toBeLessThan(1_150);
    await Promise.all(urgent);
    expect(admitted.map((a) => tagOf(a.label))).toEqual(['f1', 'f2', 'i1', 'i2']);
    expect(statuses()).toEqual([200, 200, 200, 200]);
  });
});
