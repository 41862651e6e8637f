/**
 * Configuration, parsed and validated once from the environment. Only `main.ts` passes
 * `process.env` here; everything else receives the frozen `Config`.
 */
export interface Config {
  /** HTTP port of the GraphQL server (`PORT`, default 4000; 0 picks a free port). */
  port: number;
  /** Interface to listen on (`HOST`, default 0.0.0.0). */
  host: string;
  /** Base URL of the Twenty server (`TWENTY_API_URL`); absent → the embedded emulator. */
  twentyApiUrl?: string;
  /** Key used for requests that carry no `Authorization` header (`TWENTY_API_KEY`). */
  twentyApiKey?: string;
  /** The embedded emulator, used only when `twentyApiUrl` is absent. */
  emulator: {
    /** `EMULATOR_PORT`, default 3001. */
    port: number;
    /** `EMULATOR_DB`, default `.data/emulator.sqlite`. */
    dbFile: string;
    /** `EMULATOR_COMPANIES`: demo size, default 200 (people 5×, opportunities 2.5×). */
    companies: number;
    /** `EMULATOR_RATE_LIMIT`: `on` (Twenty's 100 a minute per workspace, the default) or `off`. */
    rateLimit: boolean;
  };
  /** Timeout of one upstream attempt in ms (`UPSTREAM_TIMEOUT_MS`, default 10000). */
  upstreamTimeoutMs: number;
  /** Retries of a failed upstream GET (`UPSTREAM_MAX_RETRIES`, default 3). */
  upstreamMaxRetries: number;
  /** Add `extensions.upstream { calls, ms }` to every response (`DEBUG_UPSTREAM`, default false). */
  debugUpstream: boolean;
  /** Serve GraphiQL on GET /graphql (`GRAPHIQL`, default true). */
  graphiql: boolean;
  /**
   * Shared state of several instances (`REDIS_URL`, e.g. `redis://localhost:6379`): feeds' leases,
   * events and replay window. Absent → everything in this process's memory.
   */
  redisUrl?: string;
  /** Live feeds (subscriptions). */
  feeds: {
    /** How often a feed asks Twenty what changed (`FEED_POLL_INTERVAL_MS`, default 10000). */
    pollIntervalMs: number;
    /** The same when webhooks are configured: polling is only their safety net (`FEED_WEBHOOK_POLL_INTERVAL_MS`, default 60000). */
    webhookPollIntervalMs: number;
    /** How long events stay available to a reconnecting subscriber (`FEED_REPLAY_WINDOW_MS`, default 300000). */
    replayWindowMs: number;
    /** The secret Twenty signs webhooks with (`TWENTY_WEBHOOK_SECRET`); absent → `/webhooks/twenty` is off. */
    webhookSecret?: string;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env): Readonly<Config> {
  const config: Config = {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    twentyApiUrl: url(env, 'TWENTY_API_URL'),
    twentyApiKey: text(env, 'TWENTY_API_KEY'),
    emulator: {
      port: integer(env, 'EMULATOR_PORT', 3001, 0, 65535),
      dbFile: text(env, 'EMULATOR_DB') ?? '.data/emulator.sqlite',
      companies: integer(env, 'EMULATOR_COMPANIES', 200, 0, 100_000),
      rateLimit: onOff(env, 'EMULATOR_RATE_LIMIT', true),
    },
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    upstreamMaxRetries: integer(env, 'UPSTREAM_MAX_RETRIES', 3, 0, 10),
    debugUpstream: onOff(env, 'DEBUG_UPSTREAM', false),
    graphiql: onOff(env, 'GRAPHIQL', true),
    redisUrl: redisUrl(env, 'REDIS_URL'),
    feeds: {
      pollIntervalMs: integer(env, 'FEED_POLL_INTERVAL_MS', 10_000, 10, 3_600_000),
      webhookPollIntervalMs: integer(env, 'FEED_WEBHOOK_POLL_INTERVAL_MS', 60_000, 10, 3_600_000),
      replayWindowMs: integer(env, 'FEED_REPLAY_WINDOW_MS', 300_000, 0, 86_400_000),
      webhookSecret: text(env, 'TWENTY_WEBHOOK_SECRET'),
    },
  };
  return Object.freeze(config);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'.`);
  }
  return Number(raw);
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off (true/false), got '${raw}'.`);
}

function url(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as https://api.twenty.com, got '${raw}'.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL such as https://api.twenty.com, got '${raw}'.`);
  }
  // Users paste the REST base (…/rest) as often as the server root; REST paths are added by the client.
  return raw.replace(/\/+$/, '').replace(/\/rest$/, '');
}

function redisUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  // The value may hold a password: the message does not repeat it.
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw new ConfigError(`${name} must be a redis:// or rediss:// URL.`);
  return raw;
}
