import { createHash } from 'node:crypto';
import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { TwentyTransport } from './twenty/client.js';
import { createLoaders } from './loaders/index.js';
import { UnauthenticatedError } from './errors.js';
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
 * The per-request context: the only place that knows the caller's token. The client and the
 * loaders are bound to it and die with the request, so no data or cache crosses tokens.
 */
export interface RequestContext {
  client: TwentyClient;
  loaders: Loaders;
  /**
   * A one-way hash of the upstream URL and the token: the key of any process-level cache
   * (metadata, …). The URL is in it because one key may be valid on two Twenty servers.
   */
  tokenKey: string;
  upstream: UpstreamUsage;
  /**
   * The operation's plan, set before its first REST call (src/plugins/use-planner.ts). A holder
   * shared by reference: yoga copies the context's properties into its own object, and the
   * loaders made here must see the plan set there.
   */
  planning: { plan?: OperationPlan };
}

/** Reads `Authorization: Bearer <key>`; falls back to the configured key (single-tenant setups). */
export function tokenFrom(request: Request, fallbackKey: string | undefined): string {
  const header = request.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <Twenty API key>".');
    return match[1];
  }
  if (fallbackKey) return fallbackKey;
  throw new UnauthenticatedError(
    'No API key: send "Authorization: Bearer <Twenty API key>" (or configure TWENTY_API_KEY).',
  );
}

export function createRequestContext(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  /** The process's pool of by-key reads, shared by the concurrent operations of one key. */
  options: { shared?: SharedBatches } = {},
): RequestContext {
  const tokenKey = createHash('sha256').update(`${upstreamUrl}\n${token}`).digest('hex').slice(0, 32);
  const upstream: UpstreamUsage = { calls: 0, ms: 0, spans: [] };
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
    const end = performance.now();
    upstream.spans.push([end - event.ms, end]);
  };
  // Records nested in depth-1 answers (§6) go to the request's by-id cache (src/planner/depth.ts);
  // loaders read with the options the operation's plan gives their site.
  const planning: RequestContext['planning'] = {};
  const client = settlingDepth(transport.clientFor(token, { onCall }), (object, records) => loaders.prime(object, records));
  const loaders = createLoaders(client, {
    readOptions: (site) => planning.plan?.loaderOptions(site),
    schedule: (site, callback) => (planning.plan ? planning.plan.scheduleBatch(site, callback) : nextTick(callback)),
    track: (site, call) => planning.plan?.trackLoader(site, call),
    ...(options.shared ? { fetchKeys: (read: KeyRead) => options.shared!.read(tokenKey, read) } : {}),
  });
  return {
    client,
    loaders,
    tokenKey,
    upstream,
    planning,
  };
}
