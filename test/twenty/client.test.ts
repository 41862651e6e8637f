import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { BadUserInputError, CreditsExhaustedError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, UpstreamError } from '../../src/errors.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import type { TwentyClient, UpstreamCallEvent, UpstreamFailureEvent } from '../../src/twenty/types.js';
import { recordingTransport, startTestEmulator, thrown } from './helpers.js';

let emulator: Emulator;
let transport: TwentyTransport;
let calls: UpstreamCallEvent[];
let client: TwentyClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  ({ transport, calls } = recordingTransport(emulator.url));
  client = transport.clientFor(emulator.keys.acme);
  await client.createMany('companies', [{ name: 'Alpha' }, { name: 'Beta' }, { name: 'Gamma' }]);
});
afterAll(async () => {
  await transport.close();
  await emulator.close();
});
afterEach(() => {
  emulator.reset();
  calls.length = 0;
});

const restCalls = () => emulator.stats().requests.log.filter((e) => e.path.startsWith('/rest/'));

describe('reading and writing through the emulator', () => {
  it('lists records with totalCount and a full pageInfo', async () => {
    const page = await client.list('companies', { limit: 2, orderBy: 'name[AscNullsFirst]' });
    expect(page.records.map((r) => r.name)).toEqual(['Alpha', 'Beta']);
    expect(page.totalCount).toBe(3);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await client.list('companies', { limit: 2, orderBy: 'name[AscNullsFirst]', startingAfter: page.pageInfo.endCursor! });
    expect(next.records.map((r) => r.name)).toEqual(['Gamma']);
    expect(next.pageInfo.hasPreviousPage).toBe(true);
  });

  it('creates, reads, updates, soft-deletes, restores and destroys one record', async () => {
    const created = await client.create('companies', { name: 'Delta', employees: 5 });
    expect(created).toMatchObject({ name: 'Delta', employees: 5 });
    expect(await client.get('companies', created.id)).toMatchObject({ id: created.id, name: 'Delta' });
    expect(await client.update('companies', created.id, { employees: 6 })).toMatchObject({ employees: 6 });
    expect(await client.delete('companies', created.id, { soft: true })).toEqual({ id: created.id });
    expect(await client.get('companies', created.id)).toBeNull();
    expect(await client.restore('companies', created.id)).toMatchObject({ id: created.id, deletedAt: null });
    expect(await client.delete('companies', created.id, { soft: false })).toEqual({ id: created.id });
    expect(await client.get('companies', created.id)).toBeNull();
  });

  it('answers null for a get of a missing record and NotFoundError for its update and delete', async () => {
    const missing = '5b0c3c7e-0000-4000-8000-000000000000';
    expect(await client.get('companies', missing)).toBeNull();
    expect(await thrown(() => client.update('companies', missing, { name: 'x' }))).toBeInstanceOf(NotFoundError);
    expect(await thrown(() => client.delete('companies', missing, { soft: true }))).toBeInstanceOf(NotFoundError);
    expect(await thrown(() => client.restore('companies', missing))).toBeInstanceOf(NotFoundError);
  });

  it('refuses a non-UUID id without calling Twenty', async () => {
    expect(await thrown(() => client.get('companies', '1 OR 1=1'))).toBeInstanceOf(BadUserInputError);
    expect(restCalls()).toHaveLength(0);
  });

  it('groups and reads object metadata', async () => {
    const answer = await client.groupBy('companies', { groupBy: [{ name: true }], aggregate: ['totalCount'] });
    if (!answer.supported) throw new Error('the current profile has groupBy');
    expect(answer.rows.length).toBeGreaterThanOrEqual(3);
    expect(answer.rows[0].groupByDimensionValues).toHaveLength(1);
    expect(answer.complete).toBe(true);
    const metadata = await client.objectMetadata();
    const companies = metadata.find((o) => o.namePlural === 'companies');
    expect(companies?.fields.some((f) => f.name === 'name')).toBe(true);
    const opportunity = metadata.find((o) => o.namePlural === 'opportunities');
    expect(opportunity?.fields.find((f) => f.name === 'stage')?.options?.map((o) => o.value)).toContain('NEW');
  });

  it('turns a 400 into BadUserInputError carrying Twenty\'s message', async () => {
    const error = await thrown(() => client.list('companies', { filter: 'nope[eq]:1' }));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect(error.message).toContain("Field 'nope' does not exist");
  });
});

describe('retries', () => {
  for (const kind of ['502', '503', '429', 'reset', 'hang', 'malformed'] as const) {
    it(`retries a GET after a ${kind} and returns the second answer`, async () => {
      const { transport: t, calls: attempts } = recordingTransport(emulator.url, { timeoutMs: kind === 'hang' ? 1_000 : 5_000 });
      emulator.injectFault({ kind, method: 'GET', path: '/rest/companies', retryAfterSeconds: 0 });
      const page = await t.clientFor(emulator.keys.acme).list('companies');
      expect(page.records).toHaveLength(3);
      expect(attempts.map((a) => a.status)).toEqual([kind === 'reset' ? 'network_error' : kind === 'hang' ? 'timeout' : kind === 'malformed' ? 200 : Number(kind), 200]);
      await t.close();
    });
  }

  it('does not retry a GET after a 500', async () => {
    emulator.injectFault({ kind: '500', method: 'GET', path: '/rest/companies' });
    const error = await thrown(() => client.list('companies'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(calls.map((c) => c.status)).toEqual([500]);
  });

  it('gives up after maxRetries and reports the last failure', async () => {
    emulator.injectFault({ kind: '503', method: 'GET', path: '/rest/companies', times: 10 });
    const error = await thrown(() => client.list('companies'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(calls).toHaveLength(4);
  });

  for (const kind of ['500', '502', '503', 'reset', 'hang', 'malformed'] as const) {
    it(`never retries a write after a ${kind}`, async () => {
      const { transport: t, calls: attempts } = recordingTransport(emulator.url, { timeoutMs: kind === 'hang' ? 1_000 : 5_000 });
      emulator.injectFault({ kind, method: 'POST', path: '/rest/companies' });
      const error = await thrown(() => t.clientFor(emulator.keys.acme).create('companies', { name: `Fault ${kind}` }));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(attempts).toHaveLength(1);
      expect(restCalls().filter((e) => e.method === 'POST')).toHaveLength(1);
      await t.close();
    });
  }

  it('sends a write again after a 429, which Twenty answers before doing any work (§9)', async () => {
    emulator.injectFault({ kind: '429-plain', method: 'POST', path: '/rest/companies' });
    const created = await client.create('companies', { name: 'After a 429' });
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    expect(restCalls().filter((e) => e.method === 'POST')).toHaveLength(2);
    await client.delete('companies', created.id, { soft: false });
  });

  it.each([
    ['402', CreditsExhaustedError],
    ['413', BadUserInputError],
  ] as const)('never retries a %s, read or write, and maps it to %O', async (kind, errorClass) => {
    emulator.injectFault({ kind, method: 'GET', path: '/rest/companies' });
    expect(await thrown(() => client.list('companies'))).toBeInstanceOf(errorClass);
    emulator.injectFault({ kind, method: 'POST', path: '/rest/companies' });
    expect(await thrown(() => client.create('companies', { name: 'x' }))).toBeInstanceOf(errorClass);
    expect(calls.map((c) => c.status)).toEqual([Number(kind), Number(kind)]);
  });

  it('retries a write whose connection was refused, since nothing was sent', async () => {
    const { transport: t, calls: attempts } = recordingTransport('http://127.0.0.1:9', { maxRetries: 2 });
    const error = await thrown(() => t.clientFor('k').create('companies', { name: 'x' }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(attempts.map((a) => a.status)).toEqual(['network_error', 'network_error', 'network_error']);
    await t.close();
  });

  it('honours Retry-After and fails at once with RateLimitedError when it is longer than allowed', async () => {
    const { transport: t, calls: attempts } = recordingTransport(emulator.url, { maxWaitMs: 500 });
    emulator.injectFault({ kind: '429', method: 'GET', path: '/rest/companies', retryAfterSeconds: 30 });
    const error = await thrown(() => t.clientFor(emulator.keys.acme).list('companies'));
    expect(error).toBeInstanceOf(RateLimitedError);
    // The wait left when the refusal is decided: the 30 s of Retry-After, less the few ms since the answer.
    const details = (error as RateLimitedError).details as { retryAfterMs: number; retryAfterSeconds: number };
    expect(details.retryAfterMs).toBeGreaterThan(29_000);
    expect(details.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(details.retryAfterSeconds).toBe(30);
    expect(attempts).toHaveLength(1);
    await t.close();
  });

  it('waits out a short Retry-After and then succeeds', async () => {
    emulator.injectFault({ kind: '429', method: 'GET', path: '/rest/companies', retryAfterSeconds: 1 });
    const started = Date.now();
    const page = await client.list('companies');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(page.records).toHaveLength(3);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('reports a request that hangs past the deadline as UpstreamError after its retries', async () => {
    const { transport: t, calls: attempts } = recordingTransport(emulator.url, { timeoutMs: 150, maxRetries: 1 });
    emulator.injectFault({ kind: 'hang', method: 'GET', path: '/rest/companies', times: 2 });
    const error = await thrown(() => t.clientFor(emulator.keys.acme).list('companies'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('did not answer within 150 ms');
    expect(attempts.map((a) => a.status)).toEqual(['timeout', 'timeout']);
    await t.close();
  });
});

describe('auth errors and the token', () => {
  it('maps an unknown key to UnauthenticatedError and never puts the key in the error', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const error = await thrown(() => transport.clientFor(secret).list('companies'));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(JSON.stringify({ message: error.message, details: (error as UnauthenticatedError).details, stack: error.stack })).not.toContain(secret);
  });

  it('keeps the key out of every error kind', async () => {
    const secret = emulator.keys.acme;
    const failures: Error[] = [];
    emulator.injectFault({ kind: '500', method: 'GET' });
    failures.push(await thrown(() => client.list('companies')));
    emulator.injectFault({ kind: '402', method: 'POST' });
    failures.push(await thrown(() => client.create('companies', { name: 'x' })));
    failures.push(await thrown(() => client.list('companies', { filter: `name[zz]:"${secret}"` })));
    for (const failure of failures) expect(failure.message).not.toContain(secret);
  });

  it('tells onFailure once per call that failed for good, with every attempt, and never the token', async () => {
    const failures: UpstreamFailureEvent[] = [];
    const { transport: t } = recordingTransport(emulator.url, { onFailure: (e) => failures.push(e) });
    const c = t.clientFor(emulator.keys.acme);
    emulator.injectFault({ kind: '503', method: 'GET', path: '/rest/companies', times: 10 });
    await thrown(() => c.list('companies'));
    await c.list('people');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ method: 'GET', object: 'companies', attempts: [503, 503, 503, 503] });
    expect(failures[0].error).toBeInstanceOf(UpstreamError);
    expect(failures[0].key).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(failures[0])).not.toContain(emulator.keys.acme);
    await t.close();
  });

  it('calls the process hook and the per-client hook once per attempt', async () => {
    const mine: UpstreamCallEvent[] = [];
    const scoped = transport.clientFor(emulator.keys.acme, { onCall: (e) => mine.push(e) });
    emulator.injectFault({ kind: '503', method: 'GET', path: '/rest/companies' });
    await scoped.list('companies');
    expect(mine.map((e) => [e.method, e.object, e.status])).toEqual([
      ['GET', 'companies', 503],
      ['GET', 'companies', 200],
    ]);
    expect(calls).toHaveLength(2);
    expect(mine.every((e) => typeof e.ms === 'number' && e.ms >= 0)).toBe(true);
  });
});

describe('page-limit learning on a current server', () => {
  it('is not fooled by a backward page of exactly 60 records before a cursor', async () => {
    const em = await startTestEmulator({ companies: 0 });
    const { transport: t } = recordingTransport(em.url);
    const c = t.clientFor(em.keys.acme);
    await c.createMany('companies', Array.from({ length: 61 }, (_, i) => ({ name: `C${String(i).padStart(2, '0')}` })));
    // Reach the 61st record's cursor with small pages, which teach nothing about the limit.
    const first = await c.list('companies', { limit: 60, orderBy: 'name' });
    const last = await c.list('companies', { limit: 1, orderBy: 'name', startingAfter: first.pageInfo.endCursor! });
    const back = await c.list('companies', { limit: 200, orderBy: 'name', endingBefore: last.pageInfo.endCursor! });
    expect(back.records).toHaveLength(60);
    expect(back.pageInfo.hasNextPage).toBe(true);
    expect(await c.pageLimit()).toBe(200);
    await t.close();
    await em.close();
  });
});

describe('an older server', () => {
  let legacy: Emulator;
  let legacyTransport: TwentyTransport;
  beforeAll(async () => {
    legacy = await startTestEmulator({ legacy: true, companies: 70 });
    legacyTransport = recordingTransport(legacy.url).transport;
  });
  afterAll(async () => {
    await legacyTransport.close();
    await legacy.close();
  });

  it('restores through the older route after the current one fails, then goes straight there', async () => {
    const c = legacyTransport.clientFor(legacy.keys.acme);
    const [a, b] = (await c.list('companies', { limit: 2 })).records;
    await c.delete('companies', a.id, { soft: true });
    await c.delete('companies', b.id, { soft: true });
    legacy.reset();
    expect(await c.restore('companies', a.id)).toMatchObject({ id: a.id, deletedAt: null });
    expect(await c.restore('companies', b.id)).toMatchObject({ id: b.id, deletedAt: null });
    expect(legacy.stats().requests.log.map((e) => e.path)).toEqual([
      `/rest/companies/${a.id}/restore`,
      `/rest/restore/companies/${a.id}`,
      `/rest/restore/companies/${b.id}`,
    ]);
  });

  it('learns that an older server has no groupBy, then stops asking', async () => {
    const params = { groupBy: [{ name: true }], aggregate: ['totalCount'] };
    legacy.reset();
    expect(await legacyTransport.clientFor(legacy.keys.acme).groupBy('companies', params)).toEqual({ supported: false });
    expect(await legacyTransport.clientFor(legacy.keys.globex).groupBy('companies', params)).toEqual({ supported: false });
    expect(legacy.stats().requests.log.filter((e) => e.path.endsWith('/groupBy'))).toHaveLength(1);
  });

  it('learns the page limit of 60 from the first list that asked for more, once for all clients', async () => {
    const c = legacyTransport.clientFor(legacy.keys.acme);
    expect(await c.pageLimit()).toBe(200);
    const page = await c.list('companies', { limit: 200 });
    expect(page.records).toHaveLength(60);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(await legacyTransport.clientFor(legacy.keys.globex).pageLimit()).toBe(60);
    legacy.reset();
    await c.list('companies', { limit: 200 });
    expect(legacy.stats().requests.log[0].query.limit).toBe('60');
  });
});
