/**
 * The outbound path as a GraphQL client sees it: the operation's deadline (OPERATION_TIMEOUT_MS),
 * a disconnect that stops the upstream work, the workspace's budget (RATE_LIMITED with
 * retryAfterMs, never a 429 from Twenty), 402 and 413, and identical GETs of concurrent
 * operations made once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 5 }, config: { upstreamTimeoutMs: 300, upstreamMaxRetries: 3, operationTimeoutMs: 5_000 } });
});
afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const companiesCalls = (on: Stack) => on.restCalls().filter((c) => c.path === '/rest/companies');

describe("the operation's deadline", () => {
  it('answers UPSTREAM_ERROR at OPERATION_TIMEOUT_MS when Twenty hangs, not after every attempt timed out', async () => {
    const patient = await startStack({ emulator: { companies: 1 }, config: { upstreamTimeoutMs: 10_000, operationTimeoutMs: 400 } });
    try {
      patient.emulator.injectFault({ kind: 'hang', times: 10 });
      const started = Date.now();
      const { body } = await patient.query(`{ companies(first: 1) { totalCount } }`);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(body.errors?.[0].extensions?.code).toBe('UPSTREAM_ERROR');
      expect(body.errors?.[0].message).toMatch(/ran out/);
      expect(companiesCalls(patient)).toHaveLength(1);
    } finally {
      await patient.close();
    }
  });
});

describe('a client that disconnects', () => {
  it('stops its upstream work: the hung attempt is aborted and no retry follows', async () => {
    stack.resetCalls();
    stack.emulator.injectFault({ kind: 'hang', times: 10, method: 'GET', path: '/rest/companies' });
    const controller = new AbortController();
    const request = fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.emulator.keys.acme}` },
      body: JSON.stringify({ query: '{ companies(first: 1) { totalCount } }' }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    while (companiesCalls(stack).length === 0) await sleep(5);
    controller.abort();
    await request;
    // Left alone, 4 attempts of 300 ms would follow each other over about 1.5 s.
    await sleep(1_500);
    expect(companiesCalls(stack)).toHaveLength(1);
    stack.resetCalls();
  });
});

describe("the workspace's budget", () => {
  it('keeps a burst of operations within the workspace limits: no 429 from Twenty, every operation served', async () => {
    const limited = await startStack({
      emulator: { companies: 1, rateLimit: { shortLimit: 30, shortTtlMs: 1_000, longLimit: 10_000, longTtlMs: 60_000 } },
      config: { twentyRateLimitPerSecond: 30, twentyRateLimitPerMinute: 10_000 },
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 90 }, (_, i) => limited.query(`query($n: String) { companies(first: 1, filter: { name: { eq: $n } }) { totalCount } }`, { n: `n-${i}` })),
      );
      expect(results.filter((r) => r.body.errors)).toEqual([]);
      expect(limited.restCalls().filter((c) => c.path === '/rest/companies')).toHaveLength(90);
      expect(limited.restCalls().filter((c) => c.status === 429)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('answers RATE_LIMITED with extensions.retryAfterMs past RATE_LIMIT_MAX_WAIT_MS, without drawing a 429', async () => {
    const limited = await startStack({
      emulator: { companies: 1, rateLimit: { longLimit: 3 } },
      config: { twentyRateLimitPerMinute: 3, twentyRateLimitPerSecond: 100, rateLimitMaxWaitMs: 200 },
    });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await limited.query(`{ companies(first: 1) { totalCount } }`)).body);
      // The bucket's 3 calls at most (the third may need up to 250 ms of the headroom kept against
      // clock skew: refused when asked at once, served when asked a little later, so refusals and
      // the third call may interleave), every other answer refused: the next token is 20 s away,
      // far past the 200 ms allowed.
      const refused = answers.filter((a) => a.errors).map((a) => a.errors?.[0]);
      const served = answers.length - refused.length;
      expect(served).toBeGreaterThanOrEqual(2);
      expect(served).toBeLessThanOrEqual(3);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const error of refused) {
        expect(error?.extensions?.code).toBe('RATE_LIMITED');
        expect(error?.extensions?.retryAfterMs).toBeGreaterThan(200);
        expect(error?.extensions?.retryAfterSeconds).toBe(Math.ceil((error?.extensions?.retryAfterMs as number) / 1000));
      }
      expect(limited.restCalls().map((c) => c.status)).toEqual(Array(served).fill(200));
    } finally {
      await limited.close();
    }
  });
});

describe('final answers of Twenty', () => {
  it('answers CREDITS_EXHAUSTED for a 402, without retrying it', async () => {
    stack.resetCalls();
    stack.emulator.injectFault({ kind: '402', method: 'GET', path: '/rest/companies' });
    const { body } = await stack.query(`{ companies(first: 1) { totalCount } }`);
    expect(body.errors?.[0].extensions?.code).toBe('CREDITS_EXHAUSTED');
    expect(body.errors?.[0].message).toMatch(/credits/i);
    expect(companiesCalls(stack).map((c) => c.status)).toEqual([402]);
  });

  it("answers BAD_USER_INPUT for Twenty's 413", async () => {
    stack.resetCalls();
    stack.emulator.injectFault({ kind: '413', method: 'POST', path: '/rest/companies' });
    const { body } = await stack.query(`mutation { createCompany(input: { name: "Too big" }) { id } }`);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/too large/);
  });
});

describe('concurrent operations of one key', () => {
  it('share an identical GET in flight: one REST call for two operations', async () => {
    stack.resetCalls();
    stack.emulator.setLatency(100);
    try {
      const query = `{ companies(first: 3) { edges { node { name } } } }`;
      const [a, b] = await Promise.all([stack.query(query), stack.query(query)]);
      expect(a.body).toEqual(b.body);
      expect(a.body.errors).toBeUndefined();
      expect(companiesCalls(stack)).toHaveLength(1);
      // Another key asking the same is its own call.
      await Promise.all([stack.query(query), stack.query(query, undefined, { key: stack.emulator.keys.globex })]);
      expect(companiesCalls(stack).map((c) => c.workspace).sort()).toEqual(['acme', 'acme', 'globex']);
    } finally {
      stack.emulator.setLatency(0);
    }
  });
});
