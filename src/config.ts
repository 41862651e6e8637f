/**
 * Configuration, parsed and validated once from the environment. Only `main.ts` passes
 * `process.env` here; everything else receives the frozen `Config`.
 */
import { DECISIONS, type Decision } from './planner/decisions.js';

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
   * The query planner (`QUERY_PLANNER`): `on` (default), `off` (plain per-relation batching), or
   * `on` minus some decisions, e.g. `no-depth,no-fields` (names in src/planner/decide.ts).
   */
  planner: { enabled: boolean; disabled: readonly Decision[] };
  /**
   * Most REST calls one operation may be estimated to cost before it is refused with
   * QUERY_TOO_EXPENSIVE (`MAX_OPERATION_CALLS`, default 50: half of Twenty's 100 a minute, §9).
   */
  maxOperationCalls: number;
  /**
   * Most records a response may hold by the planner's bound before the operation is refused
   * with QUERY_TOO_EXPENSIVE (`MAX_RESPONSE_RECORDS`, default 200000).
   */
  maxResponseRecords: number;
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
    planner: plannerSetting(env, 'QUERY_PLANNER'),
    maxOperationCalls: integer(env, 'MAX_OPERATION_CALLS', 50, 1, 100_000),
    maxResponseRecords: integer(env, 'MAX_RESPONSE_RECORDS', 200_000, 1, 100_000_000),
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

function plannerSetting(env: Env, name: string): Config['planner'] {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return { enabled: true, disabled: [] };
  if (['1', 'true', 'on', 'yes'].includes(raw)) return { enabled: true, disabled: [] };
  if (['0', 'false', 'off', 'no'].includes(raw)) return { enabled: false, disabled: [] };
  const disabled: Decision[] = [];
  for (const item of raw.split(',').map((part) => part.trim())) {
    const decision = item.replace(/^no-/, '') as Decision;
    if (!item.startsWith('no-') || !DECISIONS.includes(decision)) {
      throw new ConfigError(`${name} must be on, off or a list such as no-depth,no-fields (decisions: ${DECISIONS.join(', ')}), got '${raw}'.`);
    }
    disabled.push(decision);
  }
  return { enabled: true, disabled };
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
