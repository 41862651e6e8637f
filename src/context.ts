import { createHash } from 'node:crypto';
import type { TwentyClient, UpstreamCallEvent } from './twenty/types.js';
import type { ClientHooks, TwentyTransport } from './twenty/client.js';
import type { FeedHub } from './feeds/hub.js';
import { createLoaders } from './loaders/index.js';
import { UnauthenticatedError } from './errors.js';

export type Loaders = ReturnType<typeof createLoaders>;

/** What one request spent upstream; read by the debug extension and the metrics. */
export interface UpstreamUsage {
  calls: number;
  ms: number;
}

/**
 * What lives as long as the caller's connection (one HTTP request, or a subscription's socket):
 * the only place that knows the caller's token. Everything in it is bound to that token, so no
 * data or cache crosses tokens.
 */
export interface ConnectionScope {
  client: TwentyClient;
  /**
   * A one-way hash of the upstream URL and the token: the key of any process-level cache
   * (metadata, feeds, …). The URL is in it because one key may be valid on two Twenty servers.
   */
  tokenKey: string;
  upstream: UpstreamUsage;
  /** Another client for the same token, for work that outlives this connection (a feed's polls). */
  clientFor(hooks?: ClientHooks): TwentyClient;
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
export interface RequestContext extends ConnectionScope, ExecutionScope {}

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

export function createConnectionScope(
  transport: TwentyTransport,
  upstreamUrl: string,
  token: string,
  services: { feeds?: FeedHub } = {},
): ConnectionScope {
  const upstream: UpstreamUsage = { calls: 0, ms: 0 };
  const onCall = (event: UpstreamCallEvent) => {
    upstream.calls += 1;
    upstream.ms += event.ms;
  };
  return {
    client: transport.clientFor(token, { onCall }),
    tokenKey: createHash('sha256').update(`${upstreamUrl}\n${token}`).digest('hex').slice(0, 32),
    upstream,
    clientFor: (hooks) => transport.clientFor(token, hooks),
    feeds: services.feeds,
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
  services: { feeds?: FeedHub } = {},
): RequestContext {
  const connection = createConnectionScope(transport, upstreamUrl, token, services);
  return { ...connection, ...createExecutionScope(connection) };
}
