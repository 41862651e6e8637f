/**
 * Every error code a client can see, each provoked for real: bad input, a missing or rejected
 * key, an upstream that refuses, a record that is not there, Twenty's rate limit, and upstream
 * failures (5xx beyond the retries, unreadable JSON, a hang past the timeout). Also: one failing
 * field keeps the others' data, the unknown is masked, and the token never leaks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type Script } from '../support/scripted-server.js';
import { startStack, type Stack } from '../support/stack.js';
import { rest } from '../emulator/helpers.js';

type GraphQLError = { message: string; path?: unknown[]; extensions?: Record<string, unknown> };

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** A stand-in for Twenty that answers whatever the current test scripts (`script = …`). */
let script: Script = () => ({ status: 500 });

let stack: Stack;
/** Same emulator, but one retry, small backoff and a short timeout, so faults surface quickly. */
let impatient: Stack;
let fake: Awaited<ReturnType<typeof startScriptedServer>>;
let viaFake: Stack;
/** Every error any test saw, checked at the end for leaked tokens. */
const seen: unknown[] = [];

beforeAll(async () => {
  fake = await startScriptedServer((req) => script(req));
  [stack, impatient, viaFake] = await Promise.all([
    // No TWENTY_API_KEY: a request without a key has nothing to fall back on.
    startStack({ config: { twentyApiKey: undefined } }),
    startStack({ config: { upstreamMaxRetries: 1, upstreamTimeoutMs: 300, rateLimitMaxWaitMs: 500 } }),
    startStack({ config: { twentyApiUrl: fake.url, upstreamMaxRetries: 0 } }),
  ]);
});

// Resetting the emulator's controls also drops faults a test injected but did not use up.
afterEach(() => {
  stack?.resetCalls();
  impatient?.resetCalls();
});

afterAll(async () => {
  await Promise.all([stack?.close(), impatient?.close(), viaFake?.close(), fake?.close()]);
});

/** Runs an operation and returns its errors (at least one expected) and data. */
async function failing(on: Stack, query: string, variables?: Record<string, unknown>, key?: string | null) {
  const { status, body } = await on.query(query, variables, { key });
  seen.push(body);
  expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
  return { status, errors: body.errors as GraphQLError[], data: body.data as Record<string, unknown> | null | undefined };
}

const firstCompanyId = async (on: Stack) => (await rest(on.emulator, '/rest/companies?limit=1')).body.data.companies[0].id as string;

describe('BAD_USER_INPUT', () => {
  it('is the code for a stage the workspace does not have', async () => {
    const { errors } = await failing(stack, `mutation { createOpportunity(input: { stage: "LOST" }) { id } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toContain('NEW, SCREENING, MEETING, PROPOSAL, CUSTOMER');
  });

  it('is the code for a filter value that is not a valid id', async () => {
    const { errors } = await failing(stack, `{ companies(first: 1, filter: { accountOwnerId: { eq: "not-a-uuid" } }) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is the code for an id argument that is not a UUID', async () => {
    const { errors } = await failing(stack, `mutation { updateCompany(id: "12", input: { name: "x" }) { id } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].path).toEqual(['updateCompany']);
  });

  it("is the code for Twenty's own 400, with Twenty's message", async () => {
    const { errors } = await failing(stack, `mutation { createCompany(input: { customFields: { tier: "gold" } }) { id } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toContain('tier');
  });
});

describe('UNAUTHENTICATED', () => {
  it('is the code when the request has no key and no TWENTY_API_KEY is configured', async () => {
    stack.resetCalls();
    const { errors } = await failing(stack, `{ companies(first: 1) { totalCount } }`, undefined, null);
    expect(errors[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.restCalls()).toEqual([]);
  });

  it('is the code when Twenty rejects the key (401)', async () => {
    const { errors } = await failing(stack, `{ companies(first: 1) { totalCount } }`, undefined, 'not-a-real-key-7c1e');
    expect(errors[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('FORBIDDEN', () => {
  it('is the code when Twenty answers 403', async () => {
    script = () => ({ status: 403, body: { statusCode: 403, error: 'FORBIDDEN_EXCEPTION', messages: ['API key has no access to companies'] } });
    const { errors } = await failing(viaFake, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('NOT_FOUND', () => {
  it('is the code for an update of a record that does not exist', async () => {
    const { errors } = await failing(stack, `mutation($id: ID!) { updatePerson(id: $id, input: { city: "Oslo" }) { id } }`, {
      id: MISSING_ID,
    });
    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    expect(errors[0].path).toEqual(['updatePerson']);
  });
});

describe('RATE_LIMITED', () => {
  it("is the code when Twenty's 429 asks for a longer wait than the budget allows, with retryAfterMs", async () => {
    // A stack of its own: Twenty's 429 pauses the key for a second, which would fail the next tests of a shared one.
    const paused = await startStack({ config: { upstreamMaxRetries: 1, upstreamTimeoutMs: 300, rateLimitMaxWaitMs: 500 } });
    try {
      paused.emulator.injectFault({ kind: '429', times: 10 });
      const { errors } = await failing(paused, `{ companies(first: 1) { totalCount } }`);
      expect(errors[0].extensions?.code).toBe('RATE_LIMITED');
      // The fault's Retry-After is 1 s, counted from Twenty's answer.
      expect(errors[0].extensions?.retryAfterMs).toBeGreaterThan(800);
      expect(errors[0].extensions?.retryAfterMs).toBeLessThanOrEqual(1_000);
    } finally {
      await paused.close();
    }
  });

  it("is the code when the workspace's real token bucket is empty", async () => {
    const limited = await startStack({
      emulator: { rateLimit: { shortLimit: 100, longLimit: 3 } },
      config: { upstreamMaxRetries: 0 },
    });
    try {
      let last: GraphQLError[] | undefined;
      for (let i = 0; i < 6 && !last; i++) {
        const { body } = await limited.query(`{ companies(first: 1) { totalCount } }`);
        seen.push(body);
        last = body.errors;
      }
      expect(last?.[0].extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('UPSTREAM_ERROR', () => {
  it.each(['500', '502', '503'] as const)('is the code when Twenty answers %s on every attempt', async (kind) => {
    impatient.emulator.injectFault({ kind, times: 10 });
    const { errors } = await failing(impatient, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it('is the code for a write that fails, which is sent once and never retried', async () => {
    impatient.resetCalls();
    impatient.emulator.injectFault({ kind: '503', times: 10, method: 'POST', path: '/rest/companies' });
    const { errors } = await failing(impatient, `mutation { createCompany(input: { name: "Not twice" }) { id } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
    expect(impatient.restCalls().filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/rest/companies']);
  });

  it('is the code when Twenty resets the connection on every attempt', async () => {
    impatient.emulator.injectFault({ kind: 'reset', times: 10 });
    const { errors } = await failing(impatient, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it('is the code when Twenty sends malformed JSON', async () => {
    impatient.emulator.injectFault({ kind: 'malformed', times: 10 });
    const { errors } = await failing(impatient, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it('is the code when Twenty hangs past the timeout', async () => {
    impatient.emulator.injectFault({ kind: 'hang', times: 10 });
    const { errors } = await failing(impatient, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it("does not pass on Twenty's 5xx body", async () => {
    script = () => ({ status: 500, body: { statusCode: 500, error: 'InternalServerError', messages: ['pg: relation "secret_table" does not exist'] } });
    const { errors } = await failing(viaFake, `{ companies(first: 1) { totalCount } }`);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(errors)).not.toContain('secret_table');
  });
});

describe('partial data', () => {
  it('keeps the data of the fields that succeeded when another field fails', async () => {
    const id = await firstCompanyId(impatient);
    impatient.emulator.injectFault({ kind: '500', times: 10, method: 'GET', path: '/rest/people' });
    const { errors, data } = await failing(impatient, `query($id: ID!) { company(id: $id) { id } person(id: $id) { id } }`, { id });
    expect(data).toEqual({ company: { id }, person: null });
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toEqual(['person']);
    expect(errors[0].extensions?.code).toBe('UPSTREAM_ERROR');
  });
});

describe('masking', () => {
  it('masks an error the BFF does not know as "Unexpected error." with nothing of its cause', async () => {
    // A record whose name is an object: graphql-js cannot serialise it as a String.
    script = (req) => {
      const plural = /^\/rest\/([A-Za-z]+)/.exec(req.url)?.[1] ?? 'companies';
      return {
        status: 200,
        body: {
          data: { [plural]: [{ id: MISSING_ID, name: { leaked: 'upstream-internal-detail' } }] },
          totalCount: 1,
          pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: 'a', endCursor: 'a' },
        },
      };
    };
    const { errors } = await failing(viaFake, `{ companies(first: 1) { edges { node { name } } } }`);
    expect(errors[0].message).toBe('Unexpected error.');
    expect(errors[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const text = JSON.stringify(errors);
    expect(text).not.toContain('upstream-internal-detail');
    expect(text).not.toMatch(/stack|at .*\.ts:\d+/);
  });
});

describe('the token', () => {
  it('never appears in any error the tests above provoked, nor in one made with a bad key', async () => {
    const secret = 'sk-do-not-echo-3f9a1b';
    seen.push((await stack.query(`{ companies(first: 1) { totalCount } }`, undefined, { key: secret })).body);
    seen.push((await stack.query(`{ companies(first: 1) { totalCount } }`, undefined, { headers: { authorization: `Basic ${secret}` } })).body);
    const text = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(10);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(stack.emulator.keys.acme);
    expect(text).not.toContain(stack.emulator.keys.globex);
  });
});
