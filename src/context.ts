import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { ClientOptions, TwentyTransport } from './twenty/client.js';
import { workspaceKey } from './twenty/workspace-key.js';
import { createLoaders } from './loaders/index.js';
import { UnauthenticatedError } from './errors.js';

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

/**
 * `binding`: the request's signal (a disconnect stops its upstream work) and the operation's
 * deadline (OPERATION_TIMEOUT_MS from the request's start).
 */
export function createRequestContext(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  binding: Pick<ClientOptions, 'signal' | 'deadline'> = {},
): RequestContext {
  const upstream: UpstreamUsage = { calls: 0, ms: 0 };
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
  };
  const client = transport.clientFor(token, { onCall, ...binding });
  return {
    client,
    loaders: createLoaders(client),
    tokenKey: workspaceKey(upstreamUrl, token),
    upstream,
  };
}
