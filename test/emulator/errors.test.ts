// Conformance: twenty-rest.md §8 (error bodies and statuses, authentication).
import net from 'node:net';
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

/** One raw HTTP/1.1 exchange, for request targets and bodies fetch() will not send. */
function rawRequest(em: Emulator, head: string): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(baseUrl(em));
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status, body });
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

describe('§8 request targets', () => {
  const auth = () => `Authorization: Bearer ${em.keys.acme}\r\nConnection: close\r\n`;

  it('a request target that is not a URL is a 400, not a 500', async () => {
    const res = await rawRequest(em, `GET http://[ HTTP/1.1\r\nHost: x\r\n${auth()}\r\n`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'BadRequestException' });
  });

  it('a target starting with // is a path, not a host: //x/rest/companies is not /rest/companies', async () => {
    const res = await rawRequest(em, `GET //x/rest/companies HTTP/1.1\r\nHost: x\r\n${auth()}\r\n`);
    expect(res.status).toBe(404);
    const odd = await rawRequest(em, `GET //[ HTTP/1.1\r\nHost: x\r\n${auth()}\r\n`);
    expect(odd.status).toBe(404);
    expect(odd.body.statusCode).toBe(404);
  });
});

describe('body size cap', () => {
  it('answers 413 past 10 MB and closes the connection instead of reading the rest', async () => {
    const { hostname, port } = new URL(baseUrl(em));
    const result = await new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => undefined); // a reset while we still write is the expected end
      socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), closed: true }));
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), closed: false });
      }, 5000);
      socket.on('close', () => clearTimeout(timer));
      socket.on('connect', () => {
        // Announce far more than we send: a server that keeps reading waits for the rest.
        socket.write(
          `POST /rest/companies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${em.keys.acme}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n`,
        );
        socket.write(Buffer.alloc(11 * 1024 * 1024, 0x20));
      });
      void reject;
    });
    expect(result).toEqual({ status: 413, closed: true });
  });
});
