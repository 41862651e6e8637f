// Conformance: twenty-rest.md §8 (error bodies and statuses, authentication).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, expectBadRequest, expectError, rest, startTestEmulator, type Emulator } from './helpers.js';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ companies: 5 });
});
afterAll(() => em?.close());

describe('§8 authentication errors', () => {
  it('answers a request without a token with 403 FORBIDDEN_EXCEPTION "Missing authentication token"', async () => {
    const res = await rest(em, '/rest/companies', { key: null });
    expectError(res, 403, 'FORBIDDEN_EXCEPTION', 'Missing authentication token');
  });

  it('answers a bad token with 401 UNAUTHENTICATED "Token invalid."', async () => {
    const res = await rest(em, '/rest/companies', { key: 'not-a-real-key' });
    expectError(res, 401, 'UNAUTHENTICATED', 'Token invalid.');
  });

  it('checks the token before the path, on every route', async () => {
    expectError(await rest(em, '/rest/company', { key: null }), 403, 'FORBIDDEN_EXCEPTION', 'Missing authentication token');
    expectError(await rest(em, '/rest/metadata/objects', { key: 'nope' }), 401, 'UNAUTHENTICATED', 'Token invalid.');
    expectError(await rest(em, '/rest/batch/companies', { method: 'POST', key: null, body: [] }), 403, 'FORBIDDEN_EXCEPTION');
  });

  it('accepts both fixed dev keys', async () => {
    expect(em.keys).toEqual({ acme: 'demo-acme-key', globex: 'demo-globex-key' });
    expect((await rest(em, '/rest/companies', { key: em.keys.acme })).status).toBe(200);
    expect((await rest(em, '/rest/companies', { key: em.keys.globex })).status).toBe(200);
  });

  it('answers errors as JSON', async () => {
    const res = await fetch(`${baseUrl(em)}/rest/companies`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('§8 error bodies', () => {
  it('answers a missing record with 404 NotFoundException "Record not found"', async () => {
    const res = await rest(em, '/rest/people/0b3e5c2a-9f1d-4e8a-b7c6-1d2e3f4a5b6c');
    expectError(res, 404, 'NotFoundException', 'Record not found');
  });

  it('answers bad input with the 400 body shape {statusCode, error, messages}', async () => {
    const res = await rest(em, '/rest/companies?limit=x');
    expectBadRequest(res);
    expect(Object.keys(res.body).filter((k) => k !== 'code').sort()).toEqual(['error', 'messages', 'statusCode']);
  });

  it('answers a body that is not JSON with 400', async () => {
    expectBadRequest(await rest(em, '/rest/companies', { method: 'POST', body: '{"name": ' }));
  });

  it('answers a write to an unknown field with 400', async () => {
    expectBadRequest(await rest(em, '/rest/companies', { method: 'POST', body: { name: 'X', shoeSize: 42 } }));
  });

  it('answers a batch create whose body is not an array with 400', async () => {
    expectBadRequest(await rest(em, '/rest/batch/companies', { method: 'POST', body: { name: 'X' } }));
  });
});
