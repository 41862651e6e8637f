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
  /**
   * Probability per opportunity stage for weighted pipeline totals (`PIPELINE_STAGE_PROBABILITIES`,
   * e.g. `NEW=0.1,SCREENING=0.2,MEETING=0.4,PROPOSAL=0.6,CUSTOMER=1`; each from 0 to 1). Stages
   * left out get a default from their position; a query may override them.
   */
  pipelineStageProbabilities: Readonly<Record<string, number>>;
  /** Stages whose deals are won (`PIPELINE_WON_STAGES`, comma-separated; default: the last stage by position). */
  pipelineWonStages: readonly string[];
  /** How long a report stays cached per token, in ms (`REPORT_CACHE_TTL_MS`, default 30000; 0 turns it off). */
  reportCacheTtlMs: number;
  /** How long whole responses stay cached per token, in ms (`RESPONSE_CACHE_TTL_MS`, default 0: off). */
  responseCacheTtlMs: number;
  /** Add `extensions.upstream { calls, ms }` to every response (`DEBUG_UPSTREAM`, default false). */
  debugUpstream: boolean;
  /** Serve GraphiQL on GET /graphql (`GRAPHIQL`, default true). */
  graphiql: boolean;
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
    pipelineStageProbabilities: probabilities(env, 'PIPELINE_STAGE_PROBABILITIES'),
    pipelineWonStages: Object.freeze(names(env, 'PIPELINE_WON_STAGES')),
    reportCacheTtlMs: integer(env, 'REPORT_CACHE_TTL_MS', 30_000, 0, 86_400_000),
    responseCacheTtlMs: integer(env, 'RESPONSE_CACHE_TTL_MS', 0, 0, 86_400_000),
    debugUpstream: onOff(env, 'DEBUG_UPSTREAM', false),
    graphiql: onOff(env, 'GRAPHIQL', true),
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

/** A stage name: an option value, as Twenty writes them (no separators or spaces). */
const STAGE_NAME = /^[^\s=,]+$/;

function names(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  const list = raw.split(',').map((item) => item.trim());
  const bad = list.find((item) => !STAGE_NAME.test(item));
  if (bad !== undefined) throw new ConfigError(`${name} must be comma-separated stage names such as CUSTOMER, got '${raw}'.`);
  return list;
}

function probabilities(env: Env, name: string): Readonly<Record<string, number>> {
  const raw = text(env, name);
  const result: Record<string, number> = {};
  if (raw === undefined) return Object.freeze(result);
  for (const item of raw.split(',')) {
    const match = /^\s*([^\s=,]+)\s*=\s*([0-9]*\.?[0-9]+)\s*$/.exec(item);
    const value = match ? Number(match[2]) : NaN;
    if (!match || !(value >= 0 && value <= 1) || Object.hasOwn(result, match[1])) {
      throw new ConfigError(`${name} must list STAGE=probability pairs from 0 to 1, each stage once, such as NEW=0.1,CUSTOMER=1; got '${raw}'.`);
    }
    result[match[1]] = value;
  }
  return Object.freeze(result);
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
