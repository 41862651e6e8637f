/**
 * The front door, tried as an attacker would: operation limits before any REST call, sizes and
 * credentials before parsing, CSRF and CORS, and a default key no foreign page can use.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParseCache } from '../../src/plugins/use-operation-limits.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
/** A single-tenant deployment: TWENTY_API_KEY answers requests that send no key. */
let single: Stack;

beforeAll(async () => {
  [stack, single] = await Promise.all([
    startStack({ emulator: { companies: 5 } }),
    startStack({ emulator: { companies: 5 }, config: { twentyApiKey: 'demo-acme-key', corsOrigins: ['https://app.example'] } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), single?.close()]);
});

/** Sends a raw HTTP request (fetch cannot hold a body back or send some headers as given). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: string; holdBody?: boolean },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
        request.destroy();
      });
    });
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    // holdBody: the rest of the announced body never comes, so only an answer given before
    // reading it can arrive.
    if (!options.holdBody) request.end();
  });
}

const json = { 'content-type': 'application/json' };
const withKey = (stack: Stack) => ({ ...json, authorization: `Bearer ${stack.emulator.keys.acme}` });

describe('operation limits', () => {
  it('refuses an alias bomb before any REST call (MAX_ALIASES)', async () => {
    // 150 × `companies(first: 1000)` used to spend 150+ calls of the workspace's 100 a minute.
    const aliases = Array.from({ length: 150 }, (_, i) => `a${i}: companies { totalCount }`).join(' ');
    stack.resetCalls();
    const { status, body } = await stack.query(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/Aliases limit of 15 exceeded, found 150/);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 'MAX_ALIASES', max: 15 });
    expect(stack.restCalls()).toEqual([]);
  });

  it('refuses a deeply multiplying nested query before any REST call (MAX_DEPTH)', async () => {
    let selection = 'id';
    for (let level = 0; level < 4; level++) selection = `people { edges { node { company { ${selection} } } } }`;
    stack.resetCalls();
    const { status, body } = await stack.query(`{ companies(first: 60) { edges { node { ${selection} } } } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/depth limit of 12 exceeded/);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 'MAX_DEPTH' });
    expect(stack.restCalls()).toEqual([]);
  });

  it('refuses a document of too many tokens while parsing it (MAX_TOKENS)', async () => {
    const fields = Array.from({ length: 1200 }, () => '__typename').join(' ');
    const { status, body } = await stack.query(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/Token limit of 1000 exceeded/);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 'MAX_TOKENS' });
  });

  it('refuses an operation of too many directives (MAX_DIRECTIVES)', async () => {
    const { status, body } = await stack.query(`{ __typename ${'@include(if: true) '.repeat(60)} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/Directives limit of 50 exceeded/);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', limit: 'MAX_DIRECTIVES' });
  });

  it('still runs the README-sized queries the limits are set around', async () => {
    const { status, body } = await stack.query(`{
      companies(first: 2) { edges { node { name people(first: 2) { edges { node { name { displayName }
        opportunities(first: 1) { edges { node { name amount { amountMicros } } } } } } } } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('answers a 10 MB body with 413 before reading it (MAX_BODY_BYTES)', async () => {
    const size = 10 * 1024 * 1024;
    const answer = await raw(stack.graphqlUrl, {
      headers: { ...withKey(stack), 'content-length': size },
      body: '{"query":"{ __typename ',
      holdBody: true,
    });
    expect(answer.status).toBe(413);
  });

  it('answers a 10 MB body without a key with 401 before reading it', async () => {
    const answer = await raw(stack.graphqlUrl, {
      headers: { ...json, 'content-length': 10 * 1024 * 1024 },
      body: '{"query":"{ __typename ',
      holdBody: true,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const answer = await raw(stack.graphqlUrl, {
      headers: { ...withKey(stack), 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(2_000_000) } }),
    });
    expect(answer.status).toBe(413);
  });
});

describe('the parse cache', () => {
  it('is bounded by the memory of its documents, not by their number', () => {
    const { documentCache } = createParseCache(1_000_000);
    const big = (i: number) => `{ __typename } # ${String(i).padStart(5, '0')}${'x'.repeat(5_000)}`;
    let stored = 0;
    for (let i = 0; i < 100; i++) {
      documentCache.set(big(i), { kind: 'Document', definitions: [] } as never);
      stored += 1;
    }
    expect(stored).toBe(100);
    expect(documentCache.calculatedSize).toBeLessThanOrEqual(1_000_000);
    expect(documentCache.size).toBeLessThan(5);
    expect(documentCache.has(big(99))).toBe(true);
    expect(documentCache.has(big(0))).toBe(false);
  });
});

describe('CSRF', () => {
  const mutation = 'mutation { createCompany(input: { name: "Made by a form" }) { id } }';

  it.each([
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: mutation })}\r\n--x--\r\n`],
    ['text/plain', JSON.stringify({ query: mutation })],
  ])('refuses a %s POST, which any web page can send, before anything runs', async (contentType, body) => {
    for (const on of [stack, single]) {
      on.resetCalls();
      const headers: Record<string, string> = { 'content-type': contentType };
      if (on === stack) headers.authorization = `Bearer ${on.emulator.keys.acme}`;
      const answer = await raw(on.graphqlUrl, { headers, body });
      expect(answer.status).toBe(403);
      expect(on.restCalls()).toEqual([]);
    }
  });

  it('refuses a GET query without the CSRF header, and runs it with the header', async () => {
    const url = `${single.graphqlUrl}?query=${encodeURIComponent('{ companies(first: 1) { totalCount } }')}`;
    expect((await raw(url, { method: 'GET' })).status).toBe(403);
    const answer = await raw(url, { method: 'GET', headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.companies.totalCount).toBe(5);
  });
});

describe('CORS', () => {
  const preflight = (on: Stack, origin: string) =>
    raw(on.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });

  it('allows no foreign origin by default', async () => {
    const answer = await preflight(stack, 'https://evil.example');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    const post = await raw(stack.graphqlUrl, { headers: { ...withKey(stack), origin: 'https://evil.example' }, body: '{"query":"{ __typename }"}' });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the frontends named in CORS_ORIGINS, without credentials, and no other', async () => {
    const friend = await preflight(single, 'https://app.example');
    expect(friend.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(friend.headers['access-control-allow-headers']).toContain('authorization');
    expect(friend.headers['access-control-allow-credentials']).toBeUndefined();
    const stranger = await preflight(single, 'https://evil.example');
    expect(stranger.headers['access-control-allow-origin']).not.toBe('https://evil.example');
  });
});

describe('the default key', () => {
  const query = '{ companies(first: 1) { totalCount } }';
  const post = (headers: Record<string, string>) =>
    raw(single.graphqlUrl, { headers: { ...json, ...headers }, body: JSON.stringify({ query }) });

  it('serves a non-browser client that sends no key', async () => {
    const answer = await post({});
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.companies.totalCount).toBe(5);
  });

  it('serves pages of its own origin and of CORS_ORIGINS', async () => {
    const own = new URL(single.graphqlUrl).origin;
    expect((await post({ origin: own })).status).toBe(200);
    expect((await post({ 'sec-fetch-site': 'same-origin', origin: 'https://bff.example' })).status).toBe(200);
    expect((await post({ origin: 'https://app.example', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('is never used for a request a foreign page could have made', async () => {
    const foreign: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      single.resetCalls();
      const answer = await post(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(single.restCalls()).toEqual([]);
    }
  });

  it('is never used when the Authorization header is empty or malformed', async () => {
    for (const authorization of ['', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', `Bearer ${'k'.repeat(10_000)}`]) {
      single.resetCalls();
      const answer = await post({ authorization });
      expect(answer.status, JSON.stringify(authorization)).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(single.restCalls()).toEqual([]);
    }
  });
});
