import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { BadUserInputError, UpstreamError } from '../../src/errors.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import { cursorFor, orderKeyPaths } from '../../src/twenty/cursor.js';
import { idInFilter } from '../../src/twenty/filter.js';
import { chunkKeys, DEFAULT_KEY_CHARS, listAll } from '../../src/twenty/paging.js';
import { recordingTransport, startScriptedServer, startTestEmulator, thrown } from './helpers.js';

describe('listAll', () => {
  let emulator: Emulator;
  let transport: TwentyTransport;
  beforeAll(async () => {
    emulator = await startTestEmulator({ companies: 90, pageLimit: 60 });
    transport = recordingTransport(emulator.url).transport;
  });
  afterAll(async () => {
    await transport.close();
    await emulator.close();
  });

  it('reads every person of 90 companies on a 60-limit server, one call per page', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    const total = (await client.list('people', { limit: 0 })).totalCount;
    emulator.reset();
    const people = await listAll(client, 'people', { orderBy: 'name.lastName[AscNullsFirst]' });
    expect(people).toHaveLength(total);
    expect(new Set(people.map((p) => p.id)).size).toBe(total);
    const calls = emulator.stats().requests.log;
    expect(calls).toHaveLength(Math.ceil(total / 60));
    // The first call asked for 200; once the server showed its limit of 60 the rest asked for 60.
    expect(calls.map((c) => c.query.limit)).toEqual(['200', ...Array(calls.length - 1).fill('60')]);
  });

  it('applies the residual and keeps the filter on every page', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    const companies = await listAll(client, 'companies', { filter: 'employees[gte]:0' }, (r) => String(r.name).startsWith('A'));
    expect(companies.length).toBeGreaterThan(0);
    expect(companies.every((c) => String(c.name).startsWith('A'))).toBe(true);
  });

  it('reads loader chunks of ids through id[in] and gets every one back', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    const ids = (await listAll(client, 'companies', {})).map((c) => c.id);
    const found = [];
    for (const chunk of chunkKeys(ids, await client.pageLimit())) found.push(...(await listAll(client, 'companies', { filter: idInFilter('id', chunk) })));
    expect(found.map((c) => c.id).sort()).toEqual([...ids].sort());
  });

  it('stops with UpstreamError when a server says there is more but gives no new cursor', async () => {
    const A = '11111111-1111-4111-8111-111111111111';
    const server = await startScriptedServer(() => ({ status: 200, body: { data: { companies: [{ id: A }] }, pageInfo: { hasNextPage: true, endCursor: 'same' } } }));
    const t = recordingTransport(server.url).transport;
    expect(await thrown(() => listAll(t.clientFor('k'), 'companies', {}))).toBeInstanceOf(UpstreamError);
    await t.close();
    await server.close();
  });
});

describe('chunkKeys', () => {
  const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

  it('fits 200 UUIDs in one chunk and splits at the page limit', () => {
    const keys = Array.from({ length: 450 }, (_, i) => uuid(i));
    expect(chunkKeys(keys, 200).map((c) => c.length)).toEqual([200, 200, 50]);
    expect(chunkKeys(keys, 60).map((c) => c.length)).toEqual([60, 60, 60, 60, 60, 60, 60, 30]);
    expect(chunkKeys(keys, 200).flat()).toEqual(keys);
  });

  it('splits by URL size when keys are long, and keeps an oversized key alone', () => {
    const keys = ['a'.repeat(50), 'b'.repeat(50), 'c'.repeat(500), 'd'];
    expect(chunkKeys(keys, 10, 120, (k) => k.length)).toEqual([[keys[0], keys[1]], [keys[2]], [keys[3]]]);
    expect(chunkKeys([], 10)).toEqual([]);
    expect(200 * (36 + 3)).toBeLessThanOrEqual(DEFAULT_KEY_CHARS);
  });

  it('refuses a chunk size below one', () => {
    expect(() => chunkKeys(['a'], 0)).toThrow(TypeError);
  });
});

describe('cursorFor', () => {
  let emulator: Emulator;
  let transport: TwentyTransport;
  beforeAll(async () => {
    emulator = await startTestEmulator({ companies: 10 });
    transport = recordingTransport(emulator.url).transport;
  });
  afterAll(async () => {
    await transport.close();
    await emulator.close();
  });

  const orders = [
    undefined,
    'name[AscNullsFirst]',
    'employees[DescNullsLast],name',
    'address.addressCity[AscNullsLast]',
    'createdAt[DescNullsFirst]',
    'id[DescNullsFirst],name',
  ];
  for (const orderBy of orders) {
    it(`equals the server's start and end cursors for order ${orderBy ?? '(none)'}`, async () => {
      const page = await transport.clientFor(emulator.keys.acme).list('companies', { orderBy, limit: 5 });
      expect(cursorFor(page.records[0], orderBy)).toBe(page.pageInfo.startCursor);
      expect(cursorFor(page.records[4], orderBy)).toBe(page.pageInfo.endCursor);
    });
  }

  it('equals the server cursor for two sub-fields of one composite on people', async () => {
    const orderBy = 'name.lastName[AscNullsFirst],name.firstName[DescNullsLast]';
    const page = await transport.clientFor(emulator.keys.acme).list('people', { orderBy, limit: 3 });
    const last = page.records[2];
    expect(cursorFor(last, orderBy)).toBe(page.pageInfo.endCursor);
    expect(JSON.parse(Buffer.from(page.pageInfo.endCursor!, 'base64').toString())).toEqual({
      name: { lastName: (last.name as Record<string, unknown>).lastName, firstName: (last.name as Record<string, unknown>).firstName },
      id: last.id,
    });
  });

  it('resumes paging from a cursor made for a record in the middle of a page', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    const orderBy = 'name[DescNullsLast]';
    const page = await client.list('companies', { orderBy, limit: 6 });
    const resumed = await client.list('companies', { orderBy, limit: 3, startingAfter: cursorFor(page.records[2], orderBy) });
    expect(resumed.records.map((r) => r.id)).toEqual(page.records.slice(3, 6).map((r) => r.id));
  });

  it('nests composite keys and appends id unless ordered by it', () => {
    const record = { id: 'i', name: { firstName: 'Ada' } };
    const decode = (c: string) => JSON.parse(Buffer.from(c, 'base64').toString());
    expect(decode(cursorFor(record, 'name.firstName'))).toEqual({ name: { firstName: 'Ada' }, id: 'i' });
    expect(Object.keys(decode(cursorFor(record, [{ field: 'id' }, { field: 'name.firstName' }])))).toEqual(['id', 'name']);
    expect(orderKeyPaths(undefined)).toEqual([['id']]);
  });
});

describe('listAll with a residual check', () => {
  let emulator: Emulator;
  let transport: TwentyTransport;
  beforeAll(async () => {
    // 300 people: more than one page of 200.
    emulator = await startTestEmulator({ companies: 60 });
    transport = recordingTransport(emulator.url).transport;
  });
  afterAll(async () => {
    await transport.close();
    await emulator.close();
  });

  it('refuses with BAD_USER_INPUT after one call when the candidates outnumber the scan limit', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    emulator.reset();
    const error = await thrown(() => listAll(client, 'people', {}, () => true, 100));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).message).toMatch(/more than 100 people/);
    expect(emulator.stats().requests.total).toBe(1);
  });

  it('reads every page when the candidates fit the scan limit', async () => {
    const client = transport.clientFor(emulator.keys.acme);
    const total = (await client.list('people', { limit: 0 })).totalCount;
    const people = await listAll(client, 'people', {}, () => true, total);
    expect(total).toBeGreaterThan(200);
    expect(people).toHaveLength(total);
  });
});
