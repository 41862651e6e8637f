import { createHash } from 'node:crypto';
import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { TwentyTransport } from './twenty/client.js';
import { createLoaders } from './loaders/index.js';
import { UnauthenticatedError } from './errors.js';
import { createReports, type Reports } from './reports/index.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** What one request spent upstream; read by the debug extension and the metrics. */
export interface UpstreamUsage {
  calls: number;
  ms: number;
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
  /** The app's reports: cache (keyed by `tokenKey` inside) and pipeline settings (src/reports/). */
  reports: Reports;
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
}

const UNCACHED_REPORTS = createReports({ cacheTtlMs: 0, pipeline: { probabilities: {}, wonStages: [] } });

/** The key of any process-level cache for this upstream and token (see `RequestContext.tokenKey`). */
export function tokenKeyFor(upstreamUrl: string, token: string): string {
  return createHash('sha256').update(`${upstreamUrl}\n${token}`).digest('hex').slice(0, 32);
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
  app: AppContextOptions = {},
): RequestContext {
  const upstream: UpstreamUsage = { calls: 0, ms: 0 };
  const tokenKey = tokenKeyFor(upstreamUrl, token);
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
    if (event.method !== 'GET') app.onWrite?.(tokenKey, event.object);
  };
  const client = transport.clientFor(token, { onCall });
  return {
    client,
    loaders: createLoaders(client),
    tokenKey,
    upstream,
    reports: app.reports ?? UNCACHED_REPORTS,
  };
}
