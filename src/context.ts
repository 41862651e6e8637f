import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { ClientOptions, TwentyTransport } from './twenty/client.js';
import { workspaceKey } from './twenty/workspace-key.js';
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
export function createRequestContext(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  binding: Pick<ClientOptions, 'signal' | 'deadline'> = {},
  app: AppContextOptions = {},
): RequestContext {
  const upstream: UpstreamUsage = { calls: 0, ms: 0 };
  const tokenKey = workspaceKey(upstreamUrl, token);
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
    if (event.method !== 'GET') app.onWrite?.(tokenKey, event.object);
  };
  const client = transport.clientFor(token, { onCall, ...binding });
  return {
    client,
    loaders: createLoaders(client),
    tokenKey,
    upstream,
    reports: app.reports ?? UNCACHED_REPORTS,
  };
}
