// The emulator's test controls (issue 2): request counters, reset, scripted faults, latency.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { baseUrl, rest, startTestEmulator, type Emulator } from './helpers.js';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ companies: 3 });
});
afterAll(() => em?.close());
beforeEach(async () => {
  em.setLatency(0);
  await rest(em, '/_emulator/reset', { method: 'POST', key: null });
});

const control = (path: string, body?: unknown) => rest(em, `/_emulator/${path}`, { method: body === undefined ? 'GET' : 'POST', key: null, body });

describe('request counters', () => {
  it('counts requests per method, object and workspace, over HTTP and in process', async () => {
    await rest(em, '/rest/companies');
    await rest(em, '/rest/companies?limit=1');
    await rest(em, '/rest/people', { method: 'POST', body: { name: { firstName: 'Stat', lastName: 'S' } } });
    await rest(em, '/rest/people', { key: em.keys.globex });
    const res = await control('stats');
    expect(res.status).toBe(200);
    const { requests } = res.body;
    expect(requests.total).toBe(4);
    expect(requests.byMethod).toMatchObject({ GET: 3, POST: 1 });
    expect(requests.byObject).toMatchObject({ companies: 2, people: 2 });
    expect(requests.byWorkspace).toMatchObject({ acme: 3, globex: 1 });
    expect(em.stats().requests.total).toBe(4);
  });

  it('logs each request with its method, path, query, workspace, status and object', async () => {
    await rest(em, '/rest/companies?limit=2&filter=employees%5Bgt%5D%3A1');
    await rest(em, '/rest/company');
    const log = em.stats().requests.log;
    expect(log.length).toBe(2);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/rest/companies', workspace: 'acme', status: 200, object: 'companies' });
    expect(log[0].query).toMatchObject({ limit: '2', filter: 'employees[gt]:1' });
    expect(log[1].status).toBe(400);
  });

  it('does not count the controls themselves', async () => {
    await control('stats');
    await control('stats');
    expect((await control('stats')).body.requests.total).toBe(0);
  });

  it('POST /_emulator/reset zeroes the counters, and so does reset()', async () => {
    await rest(em, '/rest/companies');
    expect(em.stats().requests.total).toBe(1);
    expect((await control('reset', {})).status).toBeLessThan(300);
    expect(em.stats().requests.total).toBe(0);
    await rest(em, '/rest/companies');
    em.reset();
    expect(em.stats().requests.total).toBe(0);
  });
});

describe('scripted faults', () => {
  it.each(['500', '502', '503'] as const)('answers the next matching request with %s, then recovers', async (kind) => {
    expect((await control('faults', { kind, times: 1, method: 'GET', path: '/rest/companies' })).status).toBeLessThan(300);
    expect((await rest(em, '/rest/companies')).status).toBe(Number(kind));
    expect((await rest(em, '/rest/companies')).status).toBe(200);
  });

  it('answers a scripted 429 with Retry-After', async () => {
    em.injectFault({ kind: '429', times: 1, retryAfterSeconds: 7 });
    const res = await rest(em, '/rest/companies');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body.statusCode).toBe(429);
  });

  it("answers a plain 429 as most servers do: no headers, the bucket in the message", async () => {
    em.injectFault({ kind: '429-plain', times: 1 });
    const res = await rest(em, '/rest/companies');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    expect(res.body).toEqual({ statusCode: 429, error: 'HttpException', messages: ['Limit reached (100 tokens per 1000 ms)'] });
  });

  it.each(['402', '413'] as const)('answers a scripted %s with a Twenty error body', async (kind) => {
    em.injectFault({ kind, times: 1 });
    const res = await rest(em, '/rest/companies');
    expect(res.status).toBe(Number(kind));
    expect(res.body).toMatchObject({ statusCode: Number(kind), messages: [expect.any(String)] });
    expect((await rest(em, '/rest/companies')).status).toBe(200);
  });

  it("only hits the named workspace's requests", async () => {
    em.injectFault({ kind: '503', times: 1, workspace: 'globex' });
    expect((await rest(em, '/rest/companies')).status).toBe(200);
    expect((await rest(em, '/rest/companies', { key: em.keys.globex })).status).toBe(503);
    expect((await rest(em, '/rest/companies', { key: em.keys.globex })).status).toBe(200);
  });

  it('repeats a fault `times` times', async () => {
    em.injectFault({ kind: '503', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await rest(em, '/rest/companies')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('only hits requests matching the method', async () => {
    em.injectFault({ kind: '500', times: 1, method: 'POST' });
    expect((await rest(em, '/rest/companies')).status).toBe(200);
    expect((await rest(em, '/rest/companies', { method: 'POST', body: { name: 'Fault' } })).status).toBe(500);
  });

  it('only hits requests matching the path prefix or RegExp', async () => {
    em.injectFault({ kind: '500', times: 1, path: '/rest/people' });
    expect((await rest(em, '/rest/companies')).status).toBe(200);
    expect((await rest(em, '/rest/people?limit=1')).status).toBe(500);
    em.injectFault({ kind: '502', times: 1, path: /\/opportunities$/ });
    expect((await rest(em, '/rest/companies')).status).toBe(200);
    expect((await rest(em, '/rest/opportunities')).status).toBe(502);
  });

  it('a connection reset makes fetch reject', async () => {
    em.injectFault({ kind: 'reset', times: 1 });
    await expect(rest(em, '/rest/companies')).rejects.toThrow();
    expect((await rest(em, '/rest/companies')).status).toBe(200);
  });

  it('a hang makes the request time out', async () => {
    em.injectFault({ kind: 'hang', times: 1 });
    await expect(rest(em, '/rest/companies', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    expect((await rest(em, '/rest/companies')).status).toBe(200);
  });

  it('malformed JSON makes JSON.parse fail', async () => {
    em.injectFault({ kind: 'malformed', times: 1 });
    const res = await fetch(`${baseUrl(em)}/rest/companies`, { headers: { authorization: `Bearer ${em.keys.acme}` } });
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await rest(em, '/rest/companies')).status).toBe(200);
  });
});

describe('latency', () => {
  it('adds latency set in process: a short client timeout fires, no latency does not', async () => {
    em.setLatency(600);
    await expect(rest(em, '/rest/companies', { signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    em.setLatency(0);
    expect((await rest(em, '/rest/companies', { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  });

  it('adds latency set over HTTP with POST /_emulator/latency', async () => {
    expect((await control('latency', { ms: 600 })).status).toBeLessThan(300);
    await expect(rest(em, '/rest/companies', { signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    await control('latency', { ms: 0 });
  });

  it('takes a latencyMs option at start', async () => {
    const slow = await startTestEmulator({ companies: 1, latencyMs: { min: 500, max: 700 } });
    try {
      await expect(rest(slow, '/rest/companies', { signal: AbortSignal.timeout(150) })).rejects.toThrow(/abort|timeout/i);
    } finally {
      await slow.close();
    }
  });
});

describe('controls switch', () => {
  it('serves no /_emulator routes when controls is false', async () => {
    const plain = await startTestEmulator({ companies: 1, controls: false });
    try {
      expect((await rest(plain, '/_emulator/stats', { key: null })).status).toBe(404);
      expect((await rest(plain, '/rest/companies')).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
