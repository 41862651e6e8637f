/**
 * What an operator relies on: JSON logs with a request id and no secrets, one line per upstream
 * failure; metrics that survive hostile operation names; readiness that follows Twenty; and a
 * shutdown that lets requests in flight finish, within a bound.
 */
import net from 'node:net';
import { Gauge } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { startEmulator } from '../../src/emulator/index.js';
import { capturingLogger } from '../support/logs.js';
import { startScriptedServer } from '../support/scripted-server.js';
import { startStack, type Stack } from '../support/stack.js';


/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const until = async (condition: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('logs', () => {
  const { lines, logger } = capturingLogger();
  let stack: Stack;
  beforeAll(async () => {
    // The planner off: the failure test below fails the people call, which the planner folds into
    // the companies call (depth=1).
    stack = await startStack({ emulator: { companies: 4 }, config: { upstreamMaxRetries: 2, planner: { enabled: false, disabled: [] } }, logger });
  });
  afterAll(() => stack?.close());

  it('write one JSON line per request: its id, operation, REST calls and status, the key redacted', async () => {
    stack.resetCalls();
    lines.length = 0;
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.emulator.keys.acme}`, 'x-request-id': 'req-4711' },
      body: JSON.stringify({ query: 'query CompaniesForTheLog { companies(first: 2) { edges { node { name people { totalCount } } } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-4711');
    const requestLines = lines.filter((line) => line.msg === 'graphql request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 30,
      reqId: 'req-4711',
      status: 200,
      operation: 'CompaniesForTheLog',
      type: 'query',
      upstreamCalls: stack.restCalls().length,
      req: { method: 'POST', path: '/graphql', headers: { authorization: '[redacted]' } },
    });
    expect(stack.restCalls().length).toBeGreaterThan(1);
    expect(JSON.stringify(lines)).not.toContain(stack.emulator.keys.acme);
  });

  it('make up a request id when none (or an unreasonable one) is sent', async () => {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.emulator.keys.acme}`, 'x-request-id': 'x'.repeat(500) },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('say once that Twenty failed, however many retries and fields shared the failure', async () => {
    stack.resetCalls();
    lines.length = 0;
    stack.emulator.injectFault({ kind: '503', times: 10, method: 'GET', path: '/rest/people' });
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.emulator.keys.acme}`, 'x-request-id': 'req-503' },
      body: JSON.stringify({ query: '{ companies(first: 4) { edges { node { people { totalCount } } } } }' }),
    });
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors).toHaveLength(4);
    const peopleAttempts = stack.restCalls().filter((call) => call.object === 'people').length;
    expect(peopleAttempts).toBe(3);
    const warnings = lines.filter((line) => line.level >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reqId: 'req-503', upstream: { method: 'GET', object: 'people', attempts: 3, code: 'UPSTREAM_ERROR' } });
    expect(lines.find((line) => line.msg === 'graphql request')).toMatchObject({ reqId: 'req-503', errors: ['UPSTREAM_ERROR'] });
  });
});

describe('metrics', () => {
  const { lines, logger } = capturingLogger();
  let stack: Stack;
  beforeAll(async () => {
    // A body limit that lets 2 MB names through, to show the labels themselves stay bounded.
    stack = await startStack({ emulator: { companies: 2 }, config: { limits: { ...parseConfig({}).limits, bodyBytes: 5_000_000 } }, logger });
  });
  afterAll(() => stack?.close());

  const scrape = async () => {
    const response = await fetch(`${stack.server.url}/metrics`);
    return { status: response.status, text: await response.text() };
  };

  it("include the process's and the event loop's", async () => {
    const { status, text } = await scrape();
    expect(status).toBe(200);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    }
  });

  it('stay small when operation names are 2 MB long', async () => {
    for (const letter of ['A', 'B', 'C']) {
      const { status } = await stack.query(`query ${letter.repeat(2_000_000)} { __typename }`);
      expect(status).toBe(200);
    }
    const { status, text } = await scrape();
    expect(status).toBe(200);
    expect(text.length).toBeLessThan(100_000);
    const names = [...text.matchAll(/^twenty_bff_graphql_operations_total\{name="([^"]*)"/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining([`${'A'.repeat(64)}…`, `${'B'.repeat(64)}…`, `${'C'.repeat(64)}…`]));
    expect(JSON.stringify(lines).length).toBeLessThan(100_000);
  });

  it('answer a failing scrape with a plain 500, no stack trace', async () => {
    new Gauge({
      name: 'broken_gauge',
      help: 'fails to collect',
      registers: [stack.server.app.metrics.registry],
      collect() {
        throw new Error('boom at /work/src/secret-path.ts:12:3');
      },
    });
    try {
      const { status, text } = await scrape();
      expect(status).toBe(500);
      expect(text).toBe('Metrics are unavailable.\n');
      expect(lines.some((line) => line.msg === 'metrics scrape failed')).toBe(true);
    } finally {
      stack.server.app.metrics.registry.removeSingleMetric('broken_gauge');
    }
    expect((await scrape()).status).toBe(200);
  });
});

describe('readiness', () => {
  it('starts with Twenty down, says why it is not ready, and becomes ready by itself when Twenty answers', async () => {
    const port = await freePort();
    const config = { ...parseConfig({}), twentyApiUrl: `http://127.0.0.1:${port}`, logLevel: 'silent' as const };
    const server = await listen(createApp(config), 0, '127.0.0.1');
    let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const down = await fetch(`${server.url}/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ready: false, reason: 'Twenty cannot be reached (ECONNREFUSED).' });
      emulator = await startEmulator({ port, dbFile: ':memory:', companies: 1, rateLimit: false });
      await until(async () => (await fetch(`${server.url}/ready`)).status === 200);
      expect(await (await fetch(`${server.url}/ready`)).json()).toEqual({ ready: true });
      server.app.draining = true;
      const draining = await fetch(`${server.url}/ready`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toEqual({ ready: false, reason: 'Shutting down.' });
    } finally {
      await server.close();
      await emulator?.close();
    }
  });

  it('is not ready while Twenty answers 5xx, without spending a key', async () => {
    const fake = await startScriptedServer(() => ({ status: 503, body: 'upstream connect error' }));
    const config = { ...parseConfig({}), twentyApiUrl: fake.url, twentyApiKey: 'a-default-key', logLevel: 'silent' as const };
    const server = await listen(createApp(config), 0, '127.0.0.1');
    try {
      const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/ready`)));
      expect(responses.every((response) => response.status === 503)).toBe(true);
      expect(await responses[0].json()).toEqual({ ready: false, reason: 'Twenty answers HTTP 503.' });
      // Twenty answered one probe, not twenty, and never saw the default key.
      expect(fake.requests.length).toBe(1);
      expect(fake.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await server.close();
      await fake.close();
    }
  });
});

describe('shutdown', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 2, latencyMs: 600 } });
  });
  afterAll(() => stack?.close());

  it('stops accepting, answers the requests in flight, then resolves', async () => {
    const server: RunningServer = stack.server;
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    stack.resetCalls();
    const inFlight = stack.query('{ companies(first: 1) { totalCount } }');
    await until(async () => stack.restCalls().some((call) => call.workspace === 'acme'));
    const stopped = server.shutdown(5_000);
    expect(server.app.draining).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body.data.companies.totalCount).toBe(2);
    expect(await stopped).toEqual({ cut: 0 });
  });

  it('cuts what is still running at the deadline', async () => {
    const other = await startStack({ emulator: { companies: 1 } });
    try {
      other.emulator.injectFault({ kind: 'hang', times: 1 });
      const hung = other.query('{ companies(first: 1) { totalCount } }').catch((error: Error) => error);
      await until(async () => other.restCalls().some((call) => call.workspace === 'acme'));
      const started = performance.now();
      expect(await other.server.shutdown(300)).toEqual({ cut: 1 });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(await hung).toBeInstanceOf(Error);
    } finally {
      await other.emulator.close();
    }
  });
});
