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
    });
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
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrowError(message);
  });
});
