// Conformance: twenty-rest.md §9 (per-workspace token buckets, the 429 body and headers).
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { rest, startTestEmulator, type Emulator, type RestResponse } from './helpers.js';

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((em) => em.close()));
});

async function track(p: Promise<Emulator>): Promise<Emulator> {
  const em = await p;
  started.push(em);
  return em;
}

/** Sends `n` GETs for one workspace, `concurrency` at a time, and returns their statuses. */
async function burst(em: Emulator, n: number, key = em.keys.acme, concurrency = 10): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, () => rest(em, '/rest/companies?limit=1', { key }));
    statuses.push(...(await Promise.all(batch)).map((r) => r.status));
  }
  return statuses;
}

function expectRateLimited(res: RestResponse, limit: number): void {
  expect(res.status, res.text).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, error: 'RATE_LIMITED' });
  expect(Array.isArray(res.body.messages) && res.body.messages.length > 0).toBe(true);
  expect(Number.isInteger(res.body.retryAfterSeconds) && res.body.retryAfterSeconds > 0, res.text).toBe(true);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
}

/**
 * The first 429 among a few more requests. The long bucket refills continuously (one token per
 * 600 ms by default), so on a loaded machine a few tokens may have come back since the burst.
 */
async function firstLimited(em: Emulator, key = em.keys.acme): Promise<RestResponse> {
  let res = await rest(em, '/rest/companies?limit=1', { key });
  for (let i = 0; i < 20 && res.status === 200; i++) res = await rest(em, '/rest/companies?limit=1', { key });
  return res;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('§9 rate limits', () => {
  it('with the default config, serves 100 requests and answers the 101st within a minute with 429', async () => {
    const em = await track(startEmulator({ dbFile: ':memory:', companies: 2, seed: 1 }));
    const statuses = await burst(em, 100);
    expect(statuses.filter((s) => s === 200).length).toBe(100);
    expectRateLimited(await firstLimited(em), 100);
  });

  it('limits per workspace: acme exhausted, globex still served', async () => {
    const em = await track(startEmulator({ dbFile: ':memory:', companies: 2, seed: 1 }));
    await burst(em, 100);
    expect((await firstLimited(em)).status).toBe(429);
    expect((await rest(em, '/rest/companies', { key: em.keys.globex })).status).toBe(200);
  });

  it('counts every route and method against the same bucket', async () => {
    const em = await track(startTestEmulator({ companies: 2, rateLimit: { shortLimit: 1000, longLimit: 3, longTtlMs: 60_000 } }));
    expect((await rest(em, '/rest/companies')).status).toBe(200);
    expect((await rest(em, '/rest/metadata/objects')).status).toBe(200);
    expect((await rest(em, '/rest/people', { method: 'POST', body: { name: { firstName: 'R', lastName: 'L' } } })).status).toBe(201);
    expectRateLimited(await rest(em, '/rest/opportunities'), 3);
  });

  it('the short bucket limits bursts on its own', async () => {
    const em = await track(startTestEmulator({ companies: 2, rateLimit: { shortLimit: 3, shortTtlMs: 60_000, longLimit: 1000 } }));
    expect(await burst(em, 3, em.keys.acme, 1)).toEqual([200, 200, 200]);
    expect((await rest(em, '/rest/companies')).status).toBe(429);
  });

  it('refills the bucket continuously', async () => {
    // 5 tokens per 2 s: one token every 400 ms.
    const em = await track(startTestEmulator({ companies: 2, rateLimit: { shortLimit: 1000, longLimit: 5, longTtlMs: 2000 } }));
    expect(await burst(em, 5, em.keys.acme, 5)).toEqual([200, 200, 200, 200, 200]);
    expectRateLimited(await firstLimited(em), 5);
    await sleep(2200);
    expect((await rest(em, '/rest/companies?limit=1')).status).toBe(200);
    const after = await burst(em, 10, em.keys.acme, 10);
    expect(after.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    expect(after).toContain(429);
  });

  it('does not limit the test controls', async () => {
    const em = await track(startTestEmulator({ companies: 2, rateLimit: { shortLimit: 1000, longLimit: 1, longTtlMs: 60_000 } }));
    await burst(em, 2);
    expect((await rest(em, '/_emulator/stats', { key: null })).status).toBe(200);
  });

  it('can be switched off and on again while running', async () => {
    const em = await track(startTestEmulator({ companies: 2, rateLimit: { shortLimit: 1000, longLimit: 1, longTtlMs: 60_000 } }));
    await burst(em, 1);
    expect((await rest(em, '/rest/companies')).status).toBe(429);
    em.setRateLimit(false);
    expect(await burst(em, 5)).toEqual([200, 200, 200, 200, 200]);
    em.setRateLimit({ shortLimit: 1000, longLimit: 2, longTtlMs: 60_000 });
    expect(await burst(em, 5, em.keys.acme, 1)).toContain(429);
  });

  it('is off when rateLimit is false', async () => {
    const em = await track(startTestEmulator({ companies: 2, rateLimit: false }));
    const statuses = await burst(em, 120, em.keys.acme, 20);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
