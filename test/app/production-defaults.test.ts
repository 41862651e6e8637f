/**
 * What a production deployment shows a stranger: no introspection and no "Did you mean" unless
 * asked for, GraphiQL only in the embedded demo and without third-party scripts, a refused key
 * answered like a missing one, and errors that never echo the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { startStack, type Stack } from '../support/stack.js';

let production: Stack;
let demo: Stack;

beforeAll(async () => {
  // As parseConfig decides them with and without TWENTY_API_URL.
  const live = parseConfig({ TWENTY_API_URL: 'https://api.twenty.example' });
  const embedded = parseConfig({});
  [production, demo] = await Promise.all([
    startStack({ emulator: { companies: 3 }, config: { introspection: live.introspection, graphiql: live.graphiql } }),
    startStack({ emulator: { companies: 3 }, config: { introspection: embedded.introspection, graphiql: embedded.graphiql } }),
  ]);
});
afterAll(async () => {
  await Promise.all([production?.close(), demo?.close()]);
});

describe('defaults by mode', () => {
  it('turn introspection and GraphiQL on in the embedded demo and off against a real Twenty', () => {
    expect(parseConfig({})).toMatchObject({ introspection: true, graphiql: true });
    expect(parseConfig({ TWENTY_API_URL: 'https://api.twenty.example' })).toMatchObject({ introspection: false, graphiql: false });
    expect(parseConfig({ TWENTY_API_URL: 'https://api.twenty.example', INTROSPECTION: 'on', GRAPHIQL: 'on' })).toMatchObject({
      introspection: true,
      graphiql: true,
    });
  });
});

describe('introspection', () => {
  it('is refused when off, while __typename still works', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Company") { name } }']) {
      const { status, body } = await production.query(query);
      expect(status).toBe(400);
      expect(body.errors?.[0].message).toMatch(/introspection has been disabled/);
    }
    const { body } = await production.query('{ __typename }');
    expect(body.data).toEqual({ __typename: 'Query' });
  });

  it('answers in the embedded demo', async () => {
    const { body } = await demo.query('{ __schema { queryType { name } } }');
    expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('"Did you mean" suggestions', () => {
  const mistakes: Array<[string, string, Record<string, unknown>?]> = [
    ['a field', '{ companys { totalCount } }'],
    ['an argument', '{ companies(fist: 1) { totalCount } }'],
    ['an input field', '{ companies(filter: { nam: { eq: "x" } }) { totalCount } }'],
    ['an enum value', '{ companies(orderBy: [{ field: NAM }]) { totalCount } }'],
    ['an enum value in a variable', 'query($o: [CompanyOrderBy!]) { companies(orderBy: $o) { totalCount } }', { o: [{ field: 'NAM' }] }],
  ];

  it.each(mistakes)('are hidden for %s when introspection is off', async (_what, query, variables) => {
    const { body } = await production.query(query, variables);
    const text = JSON.stringify(body.errors);
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/Did you mean|"companies"|"first"|"name"|"NAME"/);
  });

  it('are given in the embedded demo', async () => {
    const { body } = await demo.query('{ companys { totalCount } }');
    expect(body.errors?.[0].message).toMatch(/Did you mean .*"companies"/);
  });
});

describe('GraphiQL', () => {
  const page = (stack: Stack) => fetch(stack.graphqlUrl, { headers: { accept: 'text/html' } });

  it('is served in the embedded demo with every script and style inline: nothing from a CDN', async () => {
    const response = await page(demo);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('YogaGraphiQL');
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
  });

  it('is not served against a real Twenty', async () => {
    const response = await page(production);
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});

describe('a key Twenty refuses', () => {
  it('gets HTTP 401 with WWW-Authenticate, like a missing one, and never echoes the key', async () => {
    const { status, body } = await production.query('{ companies(first: 1) { totalCount } }', undefined, { key: 'wrong-secret-key' });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain('wrong-secret-key');
    const response = await fetch(production.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-secret-key' },
      body: JSON.stringify({ query: '{ companies(first: 1) { totalCount } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('errors', () => {
  const post = (body: string) =>
    fetch(production.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${production.emulator.keys.acme}`,
      },
      body,
    });

  it('never echo an invalid JSON body', async () => {
    for (const body of ['pw=hunter2', `hunter2-${'x'.repeat(50_000)}`, `{"query": "{ __typename }", hunter2`]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text).errors[0].message).toBe('POST body sent invalid JSON.');
      expect(text).not.toMatch(/hunter|pw=/);
    }
  });

  it('never quote a long input at length', async () => {
    const name = `F${'x'.repeat(100_000)}`;
    const response = await post(JSON.stringify({ query: `{ ${name} }` }));
    const text = await response.text();
    expect(JSON.parse(text).errors[0].message).toMatch(/^Cannot query field "Fxxx/);
    expect(text.length).toBeLessThan(2_000);
  });
});
