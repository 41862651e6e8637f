/**
 * `fields=` (§13) is a capability learned per server from its answers, never needed for a right
 * answer: sent while honoured, dropped where ignored, and where refused (or where an answer
 * leaves out a field relied on) the same read is made whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { startScriptedServer } from '../support/scripted-server.js';
import { recordingTransport, startTestEmulator } from './helpers.js';

let current: Emulator;
let older: Emulator;

beforeAll(async () => {
  current = await startTestEmulator({ companies: 5 });
  older = await startTestEmulator({ companies: 5, legacy: true });
});
afterAll(async () => {
  await current.close();
  await older.close();
});

const sentFields = (emulator: Emulator) => emulator.stats().requests.log.map((entry) => entry.query.fields ?? null);

describe('fields=', () => {
  it('is sent, and honoured, by a current server: records hold only what was asked', async () => {
    const { transport } = recordingTransport(current.url);
    const client = transport.clientFor(current.keys.acme);
    current.reset();
    const first = await client.list('people', { limit: 3, fields: ['name', 'company'] });
    const second = await client.list('people', { limit: 3, fields: ['jobTitle'] });
    expect(Object.keys(first.records[0]).sort()).toEqual(['companyId', 'id', 'name']);
    expect(Object.keys(second.records[0]).sort()).toEqual(['id', 'jobTitle']);
    expect(sentFields(current)).toEqual(['name,company', 'jobTitle']);
    await transport.close();
  });

  it('stops being sent once a server shows it ignores it', async () => {
    const { transport } = recordingTransport(older.url);
    const client = transport.clientFor(older.keys.acme);
    older.reset();
    const first = await client.list('people', { limit: 3, fields: ['name'] });
    await client.list('people', { limit: 3, fields: ['name'] });
    expect(first.records[0]).toHaveProperty('jobTitle');
    expect(sentFields(older)).toEqual(['name', null]);
    await transport.close();
  });

  it('is dropped, and the read made whole, where the server refuses the names or leaves one out', async () => {
    const person = { id: '11111111-1111-4111-8111-111111111111', name: { firstName: 'Ada' }, jobTitle: 'Engineer' };
    for (const refusal of ['400', 'missing']) {
      const server = await startScriptedServer((request) => {
        const fields = new URL(request.url, 'http://x').searchParams.get('fields');
        if (fields && refusal === '400') return { status: 400, body: { statusCode: 400, error: 'BadRequestException', messages: ["'fields' parameter invalid"] } };
        const record = fields ? { id: person.id, name: person.name } : person;
        return { status: 200, body: { data: { people: [record] }, totalCount: 1, pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } } };
      });
      const { transport } = recordingTransport(server.url);
      const client = transport.clientFor('key');
      const page = await client.list('people', { fields: ['name', 'jobTitle'] });
      expect(page.records).toEqual([person]);
      await client.list('people', { fields: ['name', 'jobTitle'] });
      const asked = server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('fields'));
      expect(asked, refusal).toEqual(['name,jobTitle', null, null]);
      await transport.close();
      await server.close();
    }
  });
});
