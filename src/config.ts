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
  /**
   * Serve GraphiQL on GET /graphql, from the package's own assets (`GRAPHIQL`; default on in the
   * embedded demo, off when `TWENTY_API_URL` is set).
   */
  graphiql: boolean;
  /**
   * Serve the API as an Apollo Federation v2 subgraph on the same /graphql (`FEDERATION`, default
   * false): entities with @key, `_service` and `_entities`. Off, the schema has no federation parts.
   */
  federation: boolean;

  // --- Outbound path to Twenty (src/twenty): deadlines, budget, isolation ---

  /** Bound on one operation's whole time with Twenty, retries and waits included, in ms (`OPERATION_TIMEOUT_MS`, default 30000). */
  operationTimeoutMs: number;
  /** Twenty's per-workspace limit per minute to stay within (`TWENTY_RATE_LIMIT_PER_MINUTE`, default 100; 0: no such bucket). */
  twentyRateLimitPerMinute: number;
  /** Twenty's per-workspace limit per second to stay within (`TWENTY_RATE_LIMIT_PER_SECOND`, default 100; 0: no such bucket). */
  twentyRateLimitPerSecond: number;
  /** Longest a call waits for the workspace's budget before RATE_LIMITED, in ms (`RATE_LIMIT_MAX_WAIT_MS`, default 10000). */
  rateLimitMaxWaitMs: number;
  /** Calls to Twenty in flight at once per workspace key (`UPSTREAM_CONCURRENCY_PER_WORKSPACE`, default 16). */
  upstreamConcurrencyPerWorkspace: number;
  /**
   * Redis for state shared by every instance (`REDIS_URL`, e.g. redis://localhost:6379): the
   * outbound budget, feeds' leases, events and replay window. Unset: this process's memory.
   */
  redisUrl?: string;

  // --- Front door ---

  /**
   * Answer introspection (`__schema`, `__type`) (`INTROSPECTION`; default on in the embedded demo,
   * off when `TWENTY_API_URL` is set). When off, "Did you mean …" suggestions are hidden too.
   */
  introspection: boolean;
  /** Operation limits, checked before an operation runs (see README "Running in production"). */
  limits: {
    /** Largest HTTP request body in bytes, refused before it is read whole (`MAX_BODY_BYTES`, default 1000000). */
    bodyBytes: number;
    /** Largest number of tokens in a document, counted while parsing (`MAX_TOKENS`, default 1000). */
    tokens: number;
    /** Deepest field nesting, leaves included (`MAX_DEPTH`, default 12). */
    depth: number;
    /** Most aliases in an operation (`MAX_ALIASES`, default 15). */
    aliases: number;
    /** Most directives in an operation (`MAX_DIRECTIVES`, default 50). */
    directives: number;
  };
  /**
   * Origins allowed to call the API from a browser (`CORS_ORIGINS`, comma-separated, e.g.
   * `https://app.example.com`); empty (the default) answers no cross-origin request.
   */
  corsOrigins: readonly string[];
  /** pino log level (`LOG_LEVEL`: fatal, error, warn, info, debug, trace or silent; default info). */
  logLevel: LogLevel;
  /** Longest wait for in-flight operations after SIGTERM, in ms (`SHUTDOWN_TIMEOUT_MS`, default 8000: within `docker stop`'s 10 s). */
  shutdownTimeoutMs: number;

  // --- Live feeds ---

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

  // --- Query planner and cost limits ---

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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env): Readonly<Config> {
  const embedded = text(env, 'TWENTY_API_URL') === undefined;
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
    federation: onOff(env, 'FEDERATION', false),
    operationTimeoutMs: integer(env, 'OPERATION_TIMEOUT_MS', 30_000, 1, 3_600_000),
    twentyRateLimitPerMinute: integer(env, 'TWENTY_RATE_LIMIT_PER_MINUTE', 100, 0, 1_000_000),
    twentyRateLimitPerSecond: integer(env, 'TWENTY_RATE_LIMIT_PER_SECOND', 100, 0, 1_000_000),
    rateLimitMaxWaitMs: integer(env, 'RATE_LIMIT_MAX_WAIT_MS', 10_000, 0, 3_600_000),
    upstreamConcurrencyPerWorkspace: integer(env, 'UPSTREAM_CONCURRENCY_PER_WORKSPACE', 16, 1, 10_000),
    redisUrl: redisUrl(env, 'REDIS_URL'),
    // The embedded demo is for trying things out; against a real Twenty, nothing is shown that a
    // stranger could use to map the API unless the operator asks for it.
    graphiql: onOff(env, 'GRAPHIQL', embedded),
    introspection: onOff(env, 'INTROSPECTION', embedded),
    limits: {
      bodyBytes: integer(env, 'MAX_BODY_BYTES', 1_000_000, 1_000, 100_000_000),
      tokens: integer(env, 'MAX_TOKENS', 1_000, 10, 1_000_000),
      depth: integer(env, 'MAX_DEPTH', 12, 2, 1_000),
      aliases: integer(env, 'MAX_ALIASES', 15, 0, 10_000),
      directives: integer(env, 'MAX_DIRECTIVES', 50, 0, 10_000),
    },
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8_000, 0, 600_000),
    feeds: {
      pollIntervalMs: integer(env, 'FEED_POLL_INTERVAL_MS', 10_000, 10, 3_600_000),
      webhookPollIntervalMs: integer(env, 'FEED_WEBHOOK_POLL_INTERVAL_MS', 60_000, 10, 3_600_000),
      replayWindowMs: integer(env, 'FEED_REPLAY_WINDOW_MS', 300_000, 0, 86_400_000),
      webhookSecret: text(env, 'TWENTY_WEBHOOK_SECRET'),
    },
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

const ON = ['1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (ON.includes(raw)) return true;
  if (OFF.includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off (true/false), got '${raw}'.`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got '${raw}'.`);
}

/** A comma-separated list of origins (`scheme://host[:port]`, no path), normalised by URL. */
function origins(env: Env, name: string): readonly string[] {
  const raw = text(env, name);
  if (raw === undefined) return Object.freeze([]);
  const list = raw.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(item);
    } catch {
      // reported below
    }
    // `*` is refused on purpose: with a default key, any page could use it (README "CORS").
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== item.replace(/\/+$/, '')) {
      throw new ConfigError(`${name} must list origins such as https://app.example.com (no path, no *), got '${item}'.`);
    }
    return parsed.origin;
  });
  return Object.freeze(list);
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

function plannerSetting(env: Env, name: string): Config['planner'] {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return { enabled: true, disabled: [] };
  if (ON.includes(raw)) return { enabled: true, disabled: [] };
  if (OFF.includes(raw)) return { enabled: false, disabled: [] };
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

function redisUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  // The value may hold a password: the message does not repeat it.
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw new ConfigError(`${name} must be a redis:// or rediss:// URL.`);
  return raw;
}
