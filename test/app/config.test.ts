import { readFileSync } from 'node:fs';
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
      pipelineStageProbabilities: {},
      pipelineWonStages: [],
      reportCacheTtlMs: 30_000,
      responseCacheTtlMs: 0,
      debugUpstream: false,
      graphiql: true,
      federation: false,
      operationTimeoutMs: 30_000,
      twentyRateLimitPerMinute: 100,
      twentyRateLimitPerSecond: 100,
      rateLimitMaxWaitMs: 10_000,
      upstreamConcurrencyPerWorkspace: 16,
      redisUrl: undefined,
      introspection: true,
      limits: { bodyBytes: 1_000_000, tokens: 1_000, depth: 12, aliases: 15, directives: 50 },
      corsOrigins: [],
      logLevel: 'info',
      shutdownTimeoutMs: 8_000,
      feeds: { pollIntervalMs: 10_000, webhookPollIntervalMs: 60_000, replayWindowMs: 300_000, webhookSecret: undefined },
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
      PIPELINE_STAGE_PROBABILITIES: 'NEW=0.1, SCREENING=.25,CUSTOMER=1',
      PIPELINE_WON_STAGES: 'CUSTOMER, WON',
      REPORT_CACHE_TTL_MS: '0',
      RESPONSE_CACHE_TTL_MS: '5000',
      DEBUG_UPSTREAM: 'true',
      GRAPHIQL: 'false',
      FEDERATION: 'on',
      OPERATION_TIMEOUT_MS: '5000',
      TWENTY_RATE_LIMIT_PER_MINUTE: '50',
      TWENTY_RATE_LIMIT_PER_SECOND: '0',
      RATE_LIMIT_MAX_WAIT_MS: '0',
      UPSTREAM_CONCURRENCY_PER_WORKSPACE: '4',
      REDIS_URL: 'redis://cache:6379/2',
      INTROSPECTION: 'on',
      MAX_BODY_BYTES: '2000',
      MAX_TOKENS: '300',
      MAX_DEPTH: '8',
      MAX_ALIASES: '0',
      MAX_DIRECTIVES: '5',
      CORS_ORIGINS: 'https://app.example, http://localhost:5173/',
      LOG_LEVEL: 'WARN',
      SHUTDOWN_TIMEOUT_MS: '500',
      FEED_POLL_INTERVAL_MS: '2000',
      FEED_WEBHOOK_POLL_INTERVAL_MS: '30000',
      FEED_REPLAY_WINDOW_MS: '0',
      TWENTY_WEBHOOK_SECRET: 's3cret',
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
      pipelineStageProbabilities: { NEW: 0.1, SCREENING: 0.25, CUSTOMER: 1 },
      pipelineWonStages: ['CUSTOMER', 'WON'],
      reportCacheTtlMs: 0,
      responseCacheTtlMs: 5000,
      debugUpstream: true,
      graphiql: false,
      federation: true,
      operationTimeoutMs: 5000,
      twentyRateLimitPerMinute: 50,
      twentyRateLimitPerSecond: 0,
      rateLimitMaxWaitMs: 0,
      upstreamConcurrencyPerWorkspace: 4,
      redisUrl: 'redis://cache:6379/2',
      introspection: true,
      limits: { bodyBytes: 2000, tokens: 300, depth: 8, aliases: 0, directives: 5 },
      corsOrigins: ['https://app.example', 'http://localhost:5173'],
      logLevel: 'warn',
      shutdownTimeoutMs: 500,
      feeds: { pollIntervalMs: 2000, webhookPollIntervalMs: 30_000, replayWindowMs: 0, webhookSecret: 's3cret' },
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
    ['PIPELINE_STAGE_PROBABILITIES', 'NEW=1.5', /PIPELINE_STAGE_PROBABILITIES must list STAGE=probability pairs from 0 to 1/],
    ['PIPELINE_STAGE_PROBABILITIES', 'NEW', /PIPELINE_STAGE_PROBABILITIES/],
    ['PIPELINE_STAGE_PROBABILITIES', 'NEW=0.1,NEW=0.2', /each stage once/],
    ['PIPELINE_WON_STAGES', 'CUSTOMER,,WON', /PIPELINE_WON_STAGES must be comma-separated stage names/],
    ['REPORT_CACHE_TTL_MS', '-1', /REPORT_CACHE_TTL_MS must be an integer/],
    ['RESPONSE_CACHE_TTL_MS', 'soon', /RESPONSE_CACHE_TTL_MS must be an integer/],
    ['TWENTY_API_URL', 'not a url', /TWENTY_API_URL must be an http\(s\) URL/],
    ['TWENTY_API_URL', 'ftp://x.example', /TWENTY_API_URL must be an http\(s\) URL/],
    ['DEBUG_UPSTREAM', 'maybe', /DEBUG_UPSTREAM must be on or off/],
    ['FEDERATION', 'v2', /FEDERATION must be on or off/],
    ['OPERATION_TIMEOUT_MS', '0', /OPERATION_TIMEOUT_MS must be an integer from 1/],
    ['UPSTREAM_CONCURRENCY_PER_WORKSPACE', '0', /UPSTREAM_CONCURRENCY_PER_WORKSPACE/],
    ['REDIS_URL', 'http://cache:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['MAX_DEPTH', '1', /MAX_DEPTH must be an integer from 2/],
    ['CORS_ORIGINS', '*', /CORS_ORIGINS must list origins/],
    ['CORS_ORIGINS', 'https://app.example/path', /CORS_ORIGINS must list origins/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['FEED_POLL_INTERVAL_MS', '5', /FEED_POLL_INTERVAL_MS must be an integer from 10/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['QUERY_PLANNER', 'no-magic', /QUERY_PLANNER must be on, off or a list such as no-depth/],
    ['MAX_OPERATION_CALLS', '0', /MAX_OPERATION_CALLS must be an integer from 1/],
    ['MAX_RESPONSE_RECORDS', 'many', /MAX_RESPONSE_RECORDS must be an integer/],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrowError(message);
  });
});

describe('the README configuration table', () => {
  it('lists every variable parseConfig reads, and no other', () => {
    const source = readFileSync('src/config.ts', 'utf8');
    const read = new Set([...source.matchAll(/\(env, '([A-Z_]+)'/g)].map((m) => m[1]));
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('### Configuration'), readme.indexOf('Endpoints:'));
    const documented = new Set([...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(15);
    expect([...documented].sort()).toEqual([...read].sort());
  });
});
