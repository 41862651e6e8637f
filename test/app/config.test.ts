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
      redisUrl: undefined,
      feeds: { pollIntervalMs: 10_000, webhookPollIntervalMs: 60_000, replayWindowMs: 300_000, webhookSecret: undefined },
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
      REDIS_URL: 'redis://cache:6379/2',
      FEED_POLL_INTERVAL_MS: '2000',
      FEED_WEBHOOK_POLL_INTERVAL_MS: '30000',
      FEED_REPLAY_WINDOW_MS: '0',
      TWENTY_WEBHOOK_SECRET: 's3cret',
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
      redisUrl: 'redis://cache:6379/2',
      feeds: { pollIntervalMs: 2000, webhookPollIntervalMs: 30_000, replayWindowMs: 0, webhookSecret: 's3cret' },
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535/],
    ['UPSTREAM_TIMEOUT_MS', '-5', /UPSTREAM_TIMEOUT_MS/],
    ['TWENTY_API_URL', 'not a url', /TWENTY_API_URL must be an http\(s\) URL/],
    ['TWENTY_API_URL', 'ftp://x.example', /TWENTY_API_URL must be an http\(s\) URL/],
    ['DEBUG_UPSTREAM', 'maybe', /DEBUG_UPSTREAM must be on or off/],
    ['FEED_POLL_INTERVAL_MS', '5', /FEED_POLL_INTERVAL_MS must be an integer from 10/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrowError(message);
  });
});
