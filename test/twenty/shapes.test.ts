/**
 * Answers the emulator never gives, from a scripted node:http server: edges/node lists,
 * counts inside `data`, bare records and arrays, wrapped groupBy, framework error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadUserInputError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, UpstreamError } from '../../src/errors.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import { recordingTransport, startScriptedServer, thrown, type Script } from './helpers.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

let script: Script = () => ({ status: 500 });
let server: Awaited<ReturnType<typeof startScriptedServer>>;
let transport: TwentyTransport;
beforeAll(async () => {
  server = await startScriptedServer((req) => script(req));
  transport = recordingTransport(server.url, { maxRetries: 0 }).transport;
});
afterAll(async () => {
  await transport.close();
  await server.close();
});
const client = () => transport.clientFor('test-key');

describe('list shapes', () => {
  it('reads edges/node with per-edge cursors, and counts inside data', async () => {
    script = () => ({
      status: 200,
      body: { data: { companies: { edges: [{ node: { id: A, name: 'a' }, cursor: 'c1' }, { node: { id: B }, cursor: 'c2' }], totalCount: 7, pageInfo: { hasNextPage: true } } } },
    });
    const page = await client().list('companies');
    expect(page.records.map((r) => r.id)).toEqual([A, B]);
    expect(page.totalCount).toBe(7);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
  });

  it('reads a bare edges connection in data and pageInfo at the top level', async () => {
    script = () => ({ status: 200, body: { data: { edges: [{ node: { id: A } }] }, pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: 's', endCursor: 'e' }, totalCount: 1 } });
    const page = await client().list('people');
    expect(page).toEqual({ records: [{ id: A }], totalCount: 1, pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: 's', endCursor: 'e' } });
  });

  it('reads a totalCount sent as a numeric string', async () => {
    script = () => ({ status: 200, body: { data: { tasks: [{ id: A }] }, totalCount: '41' } });
    expect((await client().list('tasks')).totalCount).toBe(41);
  });

  it('treats a missing hasPreviousPage as false and an empty page as null cursors', async () => {
    script = () => ({ status: 200, body: { data: { notes: [] }, totalCount: 0, pageInfo: { hasNextPage: false } } });
    expect((await client().list('notes')).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('refuses an answer it cannot read as UpstreamError', async () => {
    script = () => ({ status: 200, body: { data: { companies: 'nope' } } });
    expect(await thrown(() => client().list('companies'))).toBeInstanceOf(UpstreamError);
    script = () => ({ status: 200, body: { data: { companies: [{ name: 'no id' }] } } });
    expect(await thrown(() => client().list('companies'))).toBeInstanceOf(UpstreamError);
  });
});

describe('record shapes', () => {
  it('reads create, update and restore envelopes, a bare data record and a bare record', async () => {
    script = () => ({ status: 201, body: { data: { createPerson: { id: A, city: 'x' } } } });
    expect(await client().create('people', {})).toEqual({ id: A, city: 'x' });
    script = () => ({ status: 200, body: { data: { updateOpportunity: { id: A } } } });
    expect(await client().update('opportunities', A, {})).toEqual({ id: A });
    script = () => ({ status: 200, body: { data: { restoreTask: { id: A } } } });
    expect(await client().restore('tasks', A)).toEqual({ id: A });
    script = () => ({ status: 201, body: { data: { id: B } } });
    expect(await client().create('noteTargets', {})).toEqual({ id: B });
    script = () => ({ status: 201, body: { id: B, title: 't' } });
    expect(await client().create('notes', {})).toEqual({ id: B, title: 't' });
  });

  it('reads createMany as an envelope, under the plural, or as a bare array', async () => {
    script = () => ({ status: 201, body: { data: { createWorkspaceMembers: [{ id: A }] } } });
    expect(await client().createMany('workspaceMembers', [{}])).toEqual([{ id: A }]);
    script = () => ({ status: 201, body: { data: { taskTargets: [{ id: B }] } } });
    expect(await client().createMany('taskTargets', [{}])).toEqual([{ id: B }]);
    script = () => ({ status: 201, body: [{ id: A }, { id: B }] });
    expect(await client().createMany('companies', [{}, {}])).toHaveLength(2);
  });

  it('sends a createMany of nothing nowhere', async () => {
    const before = server.requests.length;
    expect(await client().createMany('companies', [])).toEqual([]);
    expect(server.requests).toHaveLength(before);
  });

  it('reads the delete envelope or falls back to the asked id', async () => {
    script = () => ({ status: 200, body: { data: { deleteCompany: { id: A } } } });
    expect(await client().delete('companies', A, { soft: false })).toEqual({ id: A });
    script = () => ({ status: 200 });
    expect(await client().delete('companies', B, { soft: true })).toEqual({ id: B });
    expect(server.requests.at(-1)?.url).toBe(`/rest/companies/${B}?soft_delete=true`);
  });

  it('reads groupBy bare or wrapped and fills missing dimension values', async () => {
    script = () => ({ status: 200, body: [{ groupByDimensionValues: ['NEW'], totalCount: 2 }] });
    expect(await client().groupBy('opportunities', { groupBy: [{ stage: true }], aggregate: ['totalCount'] })).toEqual({
      supported: true,
      rows: [{ groupByDimensionValues: ['NEW'], totalCount: 2 }],
      complete: true,
    });
    script = () => ({ status: 200, body: { data: { groupBy: [{ totalCount: 3 }] } } });
    expect(await client().groupBy('opportunities', { groupBy: [], aggregate: ['totalCount'] })).toEqual({
      supported: true,
      rows: [{ groupByDimensionValues: [], totalCount: 3 }],
      complete: true,
    });
    const url = new URL(server.requests.at(-1)!.url, server.url);
    expect(JSON.parse(url.searchParams.get('aggregate')!)).toEqual(['totalCount']);
  });

  it('reads object metadata as arrays or edges', async () => {
    script = () => ({
      status: 200,
      body: { data: { objects: { edges: [{ node: { nameSingular: 'opportunity', namePlural: 'opportunities', fields: { edges: [{ node: { name: 'stage', type: 'SELECT', options: [{ value: 'NEW', label: 'New', color: 'red', position: 0 }] } }] } } }] } } },
    });
    expect(await client().objectMetadata()).toEqual([
      { nameSingular: 'opportunity', namePlural: 'opportunities', fields: [{ name: 'stage', type: 'SELECT', options: [{ value: 'NEW', label: 'New', color: 'red', position: 0 }] }] },
    ]);
  });
});

describe('requests and error bodies', () => {
  it('sends the bearer token, JSON and percent-encoded parameters', async () => {
    script = () => ({ status: 200, body: { data: { companies: [] } } });
    await client().list('companies', { filter: 'name[eq]:"a b&c=d"', orderBy: 'name[AscNullsFirst]', limit: 5, depth: 1 });
    const request = server.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer test-key');
    const url = new URL(request.url, server.url);
    expect(url.searchParams.get('filter')).toBe('name[eq]:"a b&c=d"');
    expect(url.searchParams.get('order_by')).toBe('name[AscNullsFirst]');
    expect(url.searchParams.get('limit')).toBe('5');
    expect(url.searchParams.get('depth')).toBe('1');
    expect(request.url).not.toContain('+');
  });

  it('maps a 403 to ForbiddenError and keeps an echoed token out of the message', async () => {
    script = (req) => ({ status: 403, body: { statusCode: 403, error: 'FORBIDDEN_EXCEPTION', messages: [`key ${req.headers.authorization} refused`] } });
    const error = await thrown(() => client().get('companies', A));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).not.toContain('test-key');
    script = (req) => ({ status: 400, body: { statusCode: 400, messages: [`bad ${req.headers.authorization}`] } });
    expect((await thrown(() => client().get('companies', A))).message).toBe('Twenty rejected the request: bad Bearer [redacted].');
  });

  it('refuses a path longer than a request head may be, without sending it', async () => {
    const before = server.requests.length;
    const error = await thrown(() => client().list('companies', { filter: `name[eq]:"${'x'.repeat(16_000)}"` }));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect(server.requests).toHaveLength(before);
  });

  it('accepts a base URL that already ends in /rest', async () => {
    script = () => ({ status: 200, body: { data: { companies: [] } } });
    const t = recordingTransport(`${server.url}/rest/`).transport;
    await t.clientFor('k').list('companies');
    expect(server.requests.at(-1)?.url).toBe('/rest/companies');
    await t.close();
  });

  it('validates transport options and tokens', () => {
    expect(() => recordingTransport('ftp://x')).toThrow(TypeError);
    expect(() => recordingTransport(server.url, { timeoutMs: 0 })).toThrow(TypeError);
    expect(() => transport.clientFor('')).toThrow(TypeError);
  });

  const table = [
    [400, BadUserInputError], [401, UnauthenticatedError], [403, ForbiddenError], [404, NotFoundError], [409, BadUserInputError],
    [422, BadUserInputError], [429, RateLimitedError], [500, UpstreamError], [502, UpstreamError], [503, UpstreamError], [504, UpstreamError],
  ] as const;
  for (const [status, errorClass] of table) {
    it(`maps ${status} on an update to ${errorClass.name}`, async () => {
      script = () => ({ status, body: { statusCode: status, messages: ['m'] } });
      expect(await thrown(() => client().update('companies', A, { name: 'x' }))).toBeInstanceOf(errorClass);
    });
  }

  it('maps other statuses through the one table', async () => {
    script = () => ({ status: 418, body: {} });
    const error = await thrown(() => client().list('companies'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).details).toEqual({ upstreamStatus: 418 });
  });

  it('reads a 429 without Retry-After from the bucket named in the message', async () => {
    const { transport: t, calls } = recordingTransport(server.url, { maxRetries: 1, maxWaitMs: 100 });
    script = () => ({ status: 429, body: { statusCode: 429, error: 'HttpException', messages: ['Limit reached (100 tokens per 60000 ms)'] } });
    const error = await thrown(() => t.clientFor('k').list('companies'));
    // One token refills in 600 ms, more than the 100 ms allowed: no second attempt.
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(calls).toHaveLength(1);
    await t.close();
  });
});
