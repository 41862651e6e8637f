/**
 * The rest of the outbound path below the client: identical GETs coalesced (never across keys,
 * never across a write), deadlines and the caller's signal honoured at every stage, and one
 * workspace's hung calls unable to stall another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { CancelledError, UpstreamError } from '../../src/errors.js';
import type { TransportOptions, TwentyTransport } from '../../src/twenty/client.js';
import type { UpstreamCallEvent } from '../../src/twenty/types.js';
import { recordingTransport, startTestEmulator, thrown } from './helpers.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setUp(options: Partial<TransportOptions> = {}, companies = 3) {
  const emulator = await startTestEmulator({ companies });
  const { transport, calls } = recordingTransport(emulator.url, options);
  open.push(transport, emulator);
  const log = () => emulator.stats().requests.log;
  return { emulator, transport, calls, log };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('coalescing identical GETs', () => {
  it('makes one REST call for the same GET of one key from two operations, each getting its own copy', async () => {
    const { emulator, transport, log } = await setUp();
    emulator.setLatency(50);
    const [a, b] = await Promise.all([
      transport.clientFor(emulator.keys.acme).list('companies', { limit: 2 }),
      transport.clientFor(emulator.keys.acme).list('companies', { limit: 2 }),
    ]);
    expect(log()).toHaveLength(1);
    expect(b).toEqual(a);
    a.records[0].name = 'changed by one caller';
    expect(b.records[0].name).not.toBe('changed by one caller');
  });

  it('never across keys: the same GET for two workspaces is two calls', async () => {
    const { emulator, transport, log } = await setUp();
    emulator.setLatency(50);
    const [acme, globex] = await Promise.all([
      transport.clientFor(emulator.keys.acme).list('companies'),
      transport.clientFor(emulator.keys.globex).list('companies'),
    ]);
    expect(log().map((e) => e.workspace).sort()).toEqual(['acme', 'globex']);
    expect(acme.records.map((r) => r.id)).not.toEqual(globex.records.map((r) => r.id));
  });

  it('never across a write: a GET after an update does not join a GET that started before it', async () => {
    const { emulator, transport, log } = await setUp({ timeoutMs: 5_000 });
    const reader = transport.clientFor(emulator.keys.acme);
    const [first] = (await reader.list('companies', { limit: 1, orderBy: 'name' })).records;
    emulator.reset();
    // The earlier read hangs: a later read that joined it would hang with it.
    emulator.injectFault({ kind: 'hang', times: 1, method: 'GET' });
    const leave = new AbortController();
    const before = thrown(() => transport.clientFor(emulator.keys.acme, { signal: leave.signal }).list('companies', { limit: 1, orderBy: 'name' }));
    await sleep(30);
    const writer = transport.clientFor(emulator.keys.acme);
    await writer.update('companies', first.id, { name: `${first.name as string} (renamed)` });
    const started = Date.now();
    const after = await writer.list('companies', { limit: 1, orderBy: 'name' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(after.records[0].name).toBe(`${first.name as string} (renamed)`);
    expect(log().map((e) => e.method)).toEqual(['GET', 'PATCH', 'GET']);
    leave.abort();
    expect(await before).toBeInstanceOf(CancelledError);
  });

  it('goes on for the other callers when one of them leaves', async () => {
    const { emulator, transport, calls } = await setUp();
    emulator.setLatency(150);
    const leaving = new AbortController();
    const gone = thrown(() => transport.clientFor(emulator.keys.acme, { signal: leaving.signal }).list('companies'));
    const staying = transport.clientFor(emulator.keys.acme).list('companies');
    await sleep(30);
    leaving.abort();
    expect(await gone).toBeInstanceOf(CancelledError);
    expect((await staying).records).toHaveLength(3);
    expect(calls.map((c) => c.status)).toEqual([200]);
  });

  it('stops the call when every caller has left', async () => {
    const { emulator, transport, calls } = await setUp();
    emulator.injectFault({ kind: 'hang', method: 'GET', path: '/rest/companies' });
    const controllers = [new AbortController(), new AbortController()];
    const gone = controllers.map((c) => thrown(() => transport.clientFor(emulator.keys.acme, { signal: c.signal }).list('companies')));
    await sleep(50);
    controllers.forEach((c) => c.abort());
    for (const error of await Promise.all(gone)) expect(error).toBeInstanceOf(CancelledError);
    await sleep(20);
    expect(calls.map((c) => c.status)).toEqual(['cancelled']);
  });
});

describe("the operation's deadline and the caller's signal", () => {
  it('ends a hung GET at the deadline, not after every attempt has timed out', async () => {
    const { emulator, transport, log } = await setUp({ timeoutMs: 10_000 });
    emulator.injectFault({ kind: 'hang', times: 10 });
    const started = Date.now();
    const error = await thrown(() => transport.clientFor(emulator.keys.acme, { deadline: Date.now() + 300 }).list('companies'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).details).toEqual({ deadlineExceeded: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(log()).toHaveLength(1);
  });

  it('bounds the retries by the deadline', async () => {
    const { emulator, transport, calls } = await setUp({ timeoutMs: 150, maxRetries: 10 });
    emulator.injectFault({ kind: 'hang', times: 20 });
    const started = Date.now();
    expect(await thrown(() => transport.clientFor(emulator.keys.acme, { deadline: Date.now() + 500 }).list('companies'))).toBeInstanceOf(UpstreamError);
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('bounds each call by operationTimeoutMs when the client was bound without a deadline', async () => {
    const { emulator, transport } = await setUp({ timeoutMs: 10_000, operationTimeoutMs: 200 });
    emulator.injectFault({ kind: 'hang', times: 10 });
    const started = Date.now();
    expect(await thrown(() => transport.clientFor(emulator.keys.acme).list('companies'))).toBeInstanceOf(UpstreamError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("aborts the attempt in flight when the caller's signal aborts, and retries nothing", async () => {
    const { emulator, transport, calls, log } = await setUp({ timeoutMs: 200, maxRetries: 3 });
    emulator.injectFault({ kind: 'hang', times: 10 });
    const controller = new AbortController();
    const error = thrown(() => transport.clientFor(emulator.keys.acme, { signal: controller.signal }).list('companies'));
    await sleep(50);
    controller.abort();
    expect(await error).toBeInstanceOf(CancelledError);
    // Without the signal, 4 attempts would hang 200 ms each.
    await sleep(700);
    expect(log()).toHaveLength(1);
    expect(calls.map((c: UpstreamCallEvent) => c.status)).toEqual(['cancelled']);
  });

  it('takes a queued call out of the queue when its caller leaves: it never reaches Twenty', async () => {
    const { emulator, transport, log } = await setUp({
      buckets: [{ limit: 1, windowMs: 60_000 }],
      safetyMs: 0,
      maxWaitMs: 120_000,
      operationTimeoutMs: 120_000,
    });
    await transport.clientFor(emulator.keys.acme).list('companies');
    const controller = new AbortController();
    const queued = thrown(() => transport.clientFor(emulator.keys.acme, { signal: controller.signal }).list('people'));
    await sleep(30);
    controller.abort();
    expect(await queued).toBeInstanceOf(CancelledError);
    expect(log().map((e) => e.path)).toEqual(['/rest/companies']);
  });
});

describe('isolation between workspaces', () => {
  it("does not let one workspace's hung calls stall another's", async () => {
    const { emulator, transport, log } = await setUp({ timeoutMs: 5_000, concurrencyPerKey: 4 });
    emulator.injectFault({ kind: 'hang', times: 100, workspace: 'acme' });
    // More hung calls than the old shared pool had sockets (32).
    const hung = Array.from({ length: 40 }, (_, i) =>
      thrown(() => transport.clientFor(emulator.keys.acme).list('companies', { filter: `name[eq]:"hung-${i}"` })),
    );
    await sleep(100);
    const started = Date.now();
    const globex = await transport.clientFor(emulator.keys.globex).list('companies');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(globex.records.length).toBeGreaterThan(0);
    // acme holds no more than its cap of connections; the rest of its calls wait in its own queue.
    expect(log().filter((e) => e.workspace === 'acme')).toHaveLength(4);
    await closeAll(transport, emulator);
    for (const error of await Promise.all(hung)) expect(error).toBeInstanceOf(UpstreamError);
  });
});

async function closeAll(transport: TwentyTransport, emulator: Emulator): Promise<void> {
  open.splice(0);
  await emulator.close(); // drops the hung sockets, so the pool closes at once
  await transport.close();
}
