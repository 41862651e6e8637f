/**
 * The budget's state, in memory and in a real Redis: the same rule (store.ts, and its Lua copy
 * in redis-store.ts) gives the same decisions, and Redis keeps them atomic across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBudgetStore } from '../../src/twenty/budget/redis-store.js';
import { type BudgetPolicy, type BudgetStore, MemoryBudgetStore } from '../../src/twenty/budget/store.js';
import { type RunningRedis, startRedis } from '../support/redis.js';

let redis: RunningRedis;
const opened: BudgetStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis?.close();
});

/** Five calls per 10 s, no headroom: whole numbers to check against. */
const policy: BudgetPolicy = { buckets: [{ limit: 5, windowMs: 10_000 }], safetyMs: 0, recoverMs: 10_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stores: Record<string, () => BudgetStore> = {
  memory: () => new MemoryBudgetStore(),
  redis: () => {
    const store = new RedisBudgetStore({ url: redis.url, prefix: `test:${Math.random()}:` });
    opened.push(store);
    return store;
  },
};

describe.each(Object.keys(stores))('the %s store', (name) => {
  it('grants a full bucket, then says when the next token is back', async () => {
    const store = stores[name]();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await store.take('k', policy));
    expect(results.slice(0, 5).every((r) => r.granted)).toBe(true);
    const refused = results[5];
    expect(refused.granted).toBe(false);
    // One token of 5 per 10 s comes back in 2 s.
    expect(!refused.granted && refused.waitMs).toBeGreaterThan(1_900);
    expect(!refused.granted && refused.waitMs).toBeLessThanOrEqual(2_000);
    // How the bucket stands, for the budget's estimates: no call to spare, refilling 5 per 10 s.
    expect(refused.levels).toHaveLength(1);
    expect(refused.levels[0].rate).toBeCloseTo(5 / 10_000, 10);
    expect(refused.levels[0].spare).toBeGreaterThanOrEqual(0);
    expect(refused.levels[0].spare).toBeLessThan(0.1);
    expect(refused.paused).toBe(false);
    // Another key has its own buckets.
    expect((await store.take('other', policy)).granted).toBe(true);
  });

  it('after a 429: pauses the key, empties it and halves its rate, once per pause', async () => {
    const store = stores[name]();
    await store.penalize('once', 300, policy);
    await store.penalize('twice', 300, policy);
    await store.penalize('twice', 300, policy);
    const paused = await store.take('once', policy);
    expect(paused.granted).toBe(false);
    expect(paused.paused).toBe(true);
    expect(!paused.granted && paused.waitMs).toBeLessThanOrEqual(300);
    await sleep(350);
    const once = await store.take('once', policy);
    const twice = await store.take('twice', policy);
    // Empty after the pause, refilling at half the rate: more than the 2 s a token took before.
    expect(!once.granted && once.waitMs).toBeGreaterThan(2_500);
    // A second 429 in the same pause did not halve it again.
    expect(!twice.granted && Math.abs(twice.waitMs - (!once.granted ? once.waitMs : 0))).toBeLessThan(500);
    expect((await store.take('untouched', policy)).granted).toBe(true);
  });

  it('with no buckets grants everything, but still honours a pause', async () => {
    const store = stores[name]();
    const open: BudgetPolicy = { buckets: [], safetyMs: 250, recoverMs: 1_000 };
    for (let i = 0; i < 20; i++) expect((await store.take('k', open)).granted).toBe(true);
    await store.penalize('k', 200, open);
    expect((await store.take('k', open)).granted).toBe(false);
  });

  it('keeps headroom when asked: a token plus safetyMs of refill', async () => {
    const store = stores[name]();
    const careful: BudgetPolicy = { ...policy, safetyMs: 500 };
    let granted = 0;
    for (let i = 0; i < 6; i++) if ((await store.take('k', careful)).granted) granted++;
    // The fifth token would leave less than the 0.25 token of headroom: it waits.
    expect(granted).toBe(4);
  });
});

describe('the Redis store across instances', () => {
  it('grants exactly the bucket to concurrent takes from two instances', async () => {
    const prefix = `shared:${Math.random()}:`;
    const a = new RedisBudgetStore({ url: redis.url, prefix });
    const b = new RedisBudgetStore({ url: redis.url, prefix });
    opened.push(a, b);
    const tenPerMinute: BudgetPolicy = { buckets: [{ limit: 10, windowMs: 60_000 }], safetyMs: 0, recoverMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('workspace', tenPerMinute)));
    expect(results.filter((r) => r.granted)).toHaveLength(10);
  });

  it('falls back to memory when Redis is unreachable, and says so once', async () => {
    const fallbacks: Array<Error | undefined> = [];
    const store = new RedisBudgetStore({ url: 'redis://127.0.0.1:9', onFallback: (e) => fallbacks.push(e) });
    opened.push(store);
    for (let i = 0; i < 3; i++) expect((await store.take('k', policy)).granted).toBe(true);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toBeInstanceOf(Error);
  });
});
