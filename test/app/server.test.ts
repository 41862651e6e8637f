import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe('the BFF server', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { debugUpstream: true } });
  });
  afterAll(() => stack?.close());

  it('answers a query with the caller key forwarded to Twenty', async () => {
    const { status, body } = await stack.query('{ companies(first: 3) { edges { node { id name } } totalCount } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.companies.edges).toHaveLength(3);
    const log = stack.restCalls();
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((entry) => entry.workspace === 'acme')).toBe(true);
  });

  it('refuses a request without any key with UNAUTHENTICATED', async () => {
    const { status, body } = await stack.query('{ companies(first: 1) { totalCount } }', undefined, { key: null });
    expect(status).toBe(401);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed Authorization header with UNAUTHENTICATED', async () => {
    const { status, body } = await stack.query('{ companies(first: 1) { totalCount } }', undefined, {
      key: null,
      headers: { authorization: 'Basic abc' },
    });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('maps a key Twenty rejects to UNAUTHENTICATED without echoing the key', async () => {
    const { status, body } = await stack.query('{ companies(first: 1) { totalCount } }', undefined, { key: 'wrong-secret-key' });
    // Every field shares the refused key: 401, like a missing key.
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain('wrong-secret-key');
  });

  it('reports the upstream calls and time of an operation in extensions.upstream', async () => {
    stack.resetCalls();
    const { body } = await stack.query('{ companies(first: 2) { edges { node { id } } } }');
    const upstream = body.extensions?.upstream as { calls: number; ms: number };
    const companyCalls = stack.restCalls().filter((entry) => entry.object === 'companies').length;
    expect(companyCalls).toBeGreaterThan(0);
    expect(upstream.calls).toBe(stack.restCalls().length);
    expect(upstream.ms).toBeGreaterThan(0);
  });

  it('serves Prometheus metrics with upstream request and operation counts', async () => {
    await stack.query('query NamedForMetrics { companies(first: 1) { totalCount } }');
    const response = await fetch(`${stack.server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^twenty_bff_upstream_requests_total\{method="GET",object="companies",status="200"\} \d+$/m);
    expect(text).toMatch(/^twenty_bff_graphql_operations_total\{name="NamedForMetrics",outcome="ok",type="query"\} 1$/m);
    expect(text).toMatch(/^twenty_bff_graphql_operation_duration_seconds_count\{name="NamedForMetrics",type="query"\} 1$/m);
  });

  it('serves a health check', async () => {
    const response = await fetch(`${stack.server.url}/health`);
    expect(response.status).toBe(200);
  });
});

describe('a single-tenant deployment with TWENTY_API_KEY', () => {
  it('uses the configured key for requests without one, and the caller key when sent', async () => {
    const single = await startStack({ emulator: { companies: 5 }, config: { twentyApiKey: 'demo-globex-key' } });
    try {
      single.resetCalls();
      const anonymous = await single.query('{ companies(first: 1) { totalCount } }', undefined, { key: null });
      expect(anonymous.body.errors).toBeUndefined();
      expect(single.restCalls().every((entry) => entry.workspace === 'globex')).toBe(true);
      single.resetCalls();
      const explicit = await single.query('{ companies(first: 1) { totalCount } }');
      expect(explicit.body.errors).toBeUndefined();
      expect(single.restCalls().every((entry) => entry.workspace === 'acme')).toBe(true);
    } finally {
      await single.close();
    }
  });
});

describe('metrics labels', () => {
  it('give the first 100 operation names their own series and fold later ones into "other"', async () => {
    const stack = await startStack({ emulator: { companies: 2 } });
    try {
      for (let i = 0; i < 103; i++) await stack.query(`query Name${i} { __typename }`);
      const text = await (await fetch(`${stack.server.url}/metrics`)).text();
      const names = new Set([...text.matchAll(/^twenty_bff_graphql_operations_total\{name="([^"]+)"/gm)].map((m) => m[1]));
      expect(names.size).toBe(101);
      expect(names.has('Name99')).toBe(true);
      expect(names.has('Name100')).toBe(false);
      expect(text).toMatch(/^twenty_bff_graphql_operations_total\{name="other",outcome="ok",type="query"\} 3$/m);
    } finally {
      await stack.close();
    }
  });
});
