import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { ClientOptions, TwentyTransport } from './twenty/client.js';
import { workspaceKey } from './twenty/workspace-key.js';
import type { FeedHub } from './feeds/hub.js';
import { createLoaders } from './loaders/index.js';
import { UnauthenticatedError } from './errors.js';
import { createReports, type Reports } from './reports/index.js';
import type { OperationPlan } from './planner/plan.js';
import { settlingDepth } from './planner/depth.js';
import { nextTick } from './planner/merge.js';
import type { KeyRead, SharedBatches } from './loaders/shared.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** What one request spent upstream; read by the debug extension and the metrics. */
export interface UpstreamUsage {
  calls: number;
  ms: number;
  /** Each call's [start, end] in performance.now() ms, for round trips (src/planner/round-trips.ts). */
  spans: Array<[number, number]>;
}

/**
 * What lives as long as the caller's connection (one HTTP request, or a subscription's socket):
 * the only place that knows the caller's token. Everything in it is bound to that token, so no
 * data or cache crosses tokens.
 */
export interface ConnectionScope {
  /** Bound to the request: its signal (a disconnect stops its upstream work) and its deadline. */
  client: TwentyClient;
  /**
   * A one-way hash of the upstream URL and the token (`workspaceKey`): the key of any
   * process-level cache (metadata, reports, feeds, the budget). The URL is in it because one key
   * may be valid on two Twenty servers.
   */
  tokenKey: string;
  upstream: UpstreamUsage;
  /**
   * Another client for the same token, for work that outlives this connection's request (a
   * feed's polls, a subscription's events): not bound to the request's signal or deadline; each
   * call is bounded by OPERATION_TIMEOUT_MS, and `priority` places it in the workspace's budget.
   */
  clientFor(options?: Pick<ClientOptions, 'priority' | 'onCall'>): TwentyClient;
  /** The app's reports: cache (keyed by `tokenKey` inside) and pipeline settings (src/reports/). */
  reports: Reports;
  /** The app's live feeds (subscriptions); absent where no app made the context. */
  feeds?: FeedHub;
}

/**
 * What lives for one execution: a query, a mutation, or one event of a subscription. Loaders
 * cache what they read, so they must never outlive it (a socket's loaders would serve the
 * records of its first event for hours).
 */
export interface ExecutionScope {
  loaders: Loaders;
}

/** The context every resolver gets: the connection scope and the current execution's scope. */
export interface RequestContext extends ConnectionScope, ExecutionScope {
  /**
   * The operation's plan, set before its first REST call (src/plugins/use-planner.ts). A holder
   * shared by reference: yoga copies the context's properties into its own object, and the
   * loaders made here must see the plan set there.
   */
  planning: { plan?: OperationPlan };
}

/** What the app shares with every request context. */
export interface AppContextOptions {
  /** @default no report cache, default pipeline settings */
  reports?: Reports;
  /**
   * Called for every write this request sends to Twenty (any non-GET attempt, answered or not:
   * it may have happened), with the token hash and the object plural: caches drop what it read.
   */
  onWrite?: (tokenKey: string, object: string) => void;
  /** The app's live feeds. */
  feeds?: FeedHub;
  /** The process's pool of by-key reads, shared by the concurrent operations of one key. */
  shared?: SharedBatches;
}

const UNCACHED_REPORTS = createReports({ cacheTtlMs: 0, pipeline: { probabilities: {}, wonStages: [] } });

/** RFC 6750 `b64token`; Twenty's keys are JWTs, well within the length bound. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_AUTHORIZATION_CHARS = 8_192;

/**
 * The caller's Twenty key. `Authorization: Bearer <key>` is used as sent; a header that is there
 * but empty or malformed is refused, never replaced by the fallback key (`TWENTY_API_KEY`, the
 * single-tenant setup). Without a header the fallback key is used, unless the request may come
 * from a foreign web page (`foreignPage`): a default key must not let any site a user visits
 * read or write the CRM. Pages from `trustedOrigins` (`CORS_ORIGINS`) count as the BFF's own.
 */
export function tokenFrom(request: Request, fallbackKey: string | undefined, trustedOrigins: readonly string[] = []): string {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = header.length <= MAX_AUTHORIZATION_CHARS ? BEARER.exec(header.trim()) : null;
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <Twenty API key>".');
    return match[1];
  }
  if (!fallbackKey) {
    throw new UnauthenticatedError('No API key: send "Authorization: Bearer <Twenty API key>" (or configure TWENTY_API_KEY).');
  }
  const foreign = foreignPage(request, trustedOrigins);
  if (foreign) throw new UnauthenticatedError(`${foreign} never uses the default key: send "Authorization: Bearer <Twenty API key>".`);
  return fallbackKey;
}

/**
 * Why the request may come from another site's page, or undefined. Browsers mark what pages send:
 * `Sec-Fetch-Site` (which a page cannot set) and `Origin` (on every POST and cross-origin fetch).
 * A request with neither comes from a non-browser client.
 */
function foreignPage(request: Request, trustedOrigins: readonly string[]): string | undefined {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin') return undefined;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (trustedOrigins.includes(origin) || origin === new URL(request.url).origin) return undefined;
    return 'A cross-origin request';
  }
  if (site !== null && site !== 'none') return 'A cross-site request';
  return undefined;
}

/**
 * `binding`: the request's signal (a disconnect stops its upstream work) and the operation's
 * deadline (OPERATION_TIMEOUT_MS from the request's start).
 */
export function createConnectionScope(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  binding: Pick<ClientOptions, 'signal' | 'deadline'> = {},
  app: AppContextOptions = {},
): ConnectionScope {
  const upstream: UpstreamUsage = { calls: 0, ms: 0, spans: [] };
  const tokenKey = workspaceKey(upstreamUrl, token);
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
    const end = performance.now();
    upstream.spans.push([end - event.ms, end]);
    if (event.method !== 'GET') app.onWrite?.(tokenKey, event.object);
  };
  return {
    client: transport.clientFor(token, { onCall, ...binding }),
    tokenKey,
    upstream,
    clientFor: (options = {}) => transport.clientFor(token, options),
    reports: app.reports ?? UNCACHED_REPORTS,
    feeds: app.feeds,
  };
}

export function createExecutionScope(connection: Pick<ConnectionScope, 'client'>): ExecutionScope {
  return { loaders: createLoaders(connection.client) };
}

/**
 * Starts a new execution on a context that outlives it (the next event of a subscription): the
 * resolvers that follow see `scope`'s loaders. graphql-js executes a subscription's events one
 * after another, so no resolver of the previous event is still running.
 */
export function beginExecution(context: RequestContext, scope: ExecutionScope): void {
  context.loaders = scope.loaders;
}

export function createRequestContext(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  binding: Pick<ClientOptions, 'signal' | 'deadline'> = {},
  app: AppContextOptions = {},
): RequestContext {
  const connection = createConnectionScope(transport, upstreamUrl, token, binding, app);
  // Records nested in depth-1 answers (§6) go to the request's by-id cache (src/planner/depth.ts);
  // loaders read with the options the operation's plan gives their site.
  const planning: RequestContext['planning'] = {};
  const client = settlingDepth(connection.client, (object, records) => loaders.prime(object, records));
  const loaders = createLoaders(client, {
    readOptions: (site) => planning.plan?.loaderOptions(site),
    schedule: (site, callback) => (planning.plan ? planning.plan.scheduleBatch(site, callback) : nextTick(callback)),
    track: (site, call) => planning.plan?.trackLoader(site, call),
    ...(app.shared ? { fetchKeys: (read: KeyRead) => app.shared!.read(connection.tokenKey, read) } : {}),
  });
  return { ...connection, client, loaders, planning };
}
