import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('parseConfig', () => {
  it('gives every variable its documented default', () => {
    const config = parseConfig({});
    expect(config).toEqual({
      port: 4000,
      host: '0.0.0.0',
      twentyApiUrl: undefined,
      twentyApiKey: undefined,
      emulator: { port: 3001, dbFile: '.data/emulator.sqlite', companies: 200, rateLimit: true },
      upstreamTimeoutMs: 10_000,
      upstreamMaxRetries: 3,
      debugUpstream: false,
      graphiql: true,
      planner: { enabled: true, disabled: [] },
      maxOperationCalls: 50,
      maxResponseRecords: 200_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      TWENTY_API_URL: 'https://api.twenty.com/rest/',
      TWENTY_API_KEY: 'k',
      EMULATOR_PORT: '0',
      EMULATOR_DB: ':memory:',
      EMULATOR_COMPANIES: '10',
      EMULATOR_RATE_LIMIT: 'off',
      UPSTREAM_TIMEOUT_MS: '500',
      UPSTREAM_MAX_RETRIES: '0',
      DEBUG_UPSTREAM: 'true',
      GRAPHIQL: 'false',
      QUERY_PLANNER: 'no-depth, no-fields',
      MAX_OPERATION_CALLS: '20',
      MAX_RESPONSE_RECORDS: '1000',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      twentyApiUrl: 'https://api.twenty.com',
      twentyApiKey: 'k',
      emulator: { port: 0, dbFile: ':memory:', companies: 10, rateLimit: false },
      upstreamTimeoutMs: 500,
      upstreamMaxRetries: 0,
      debugUpstream: true,
      graphiql: false,
      planner: { enabled: true, disabled: ['depth', 'fields'] },
      maxOperationCalls: 20,
      maxResponseRecords: 1000,
    });
    expect(parseConfig({ QUERY_PLANNER: 'off' }).planner).toEqual({ enabled: false, disabled: [] });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535/],
    ['UPSTREAM_TIMEOUT_MS', '-5', /UPSTREAM_TIMEOUT_MS/],
    ['TWENTY_API_URL', 'not a url', /TWENTY_API_URL must be an http\(s\) URL/],
    ['TWENTY_API_URL', 'ftp://x.example', /TWENTY_API_URL must be an http\(s\) URL/],
    ['DEBUG_UPSTREAM', 'maybe', /DEBUG_UPSTREAM must be on or off/],
    ['QUERY_PLANNER', 'no-magic', /QUERY_PLANNER must be on, off or a list such as no-depth/],
    ['MAX_OPERATION_CALLS', '0', /MAX_OPERATION_CALLS must be an integer from 1/],
    ['MAX_RESPONSE_RECORDS', 'many', /MAX_RESPONSE_RECORDS must be an integer/],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrowError(message);
  });
});
