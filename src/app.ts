import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createRequestContext, tokenFrom, type RequestContext } from './context.js';
import { createErrorLogger, toGraphQLError } from './errors.js';
import { createLogger, requestIdFrom, requestScope, yogaLogger } from './logging.js';
import { Metrics } from './metrics.js';
import { observeBudgetRedis, observeFeeds, observeTransport } from './observe.js';
import { useCredentials } from './plugins/use-credentials.js';
import { useIntrospectionGate } from './plugins/use-introspection.js';
import { createReports } from './reports/index.js';
import { createResponseCache } from './plugins/use-response-cache.js';
import { useMetrics } from './plugins/use-metrics.js';
import { createParseCache, useOperationLimits } from './plugins/use-operation-limits.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useSafeErrors } from './plugins/use-safe-errors.js';
import { usePlanner } from './plugins/use-planner.js';
import { useUpstreamDebug } from './plugins/use-upstream-debug.js';
import { useDashboard } from './plugins/use-dashboard.js';
import { createSchema } from './schema.js';
import { createTwentyTransport, twentyBuckets, type TwentyTransport } from './twenty/client.js';
import { RedisBudgetStore } from './twenty/budget/redis-store.js';
import { RedisReportStore } from './reports/redis-store.js';
import { attachWebSocket, createFeedHub, feedPlugins, type FeedHub } from './feeds/index.js';
import { SharedBatches } from './loaders/shared.js';

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, RequestContext>;
  metrics: Metrics;
  transport: TwentyTransport;
  logger: Logger;
  /** The Node request handler: yoga inside a request scope (request id for every log line). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Set when shutting down: `/ready` answers 503 from then on. */
  draining: boolean;
  config: Config;
  /** Live feeds (subscriptions): `feeds.stats()` shows what polls. */
  feeds: FeedHub;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Where log lines go; by default JSON on stdout at `config.logLevel`. */
  logger?: Logger;
}

/** Builds the whole BFF for one upstream; listening is `listen()`'s job. */
export function createApp(config: Config, options: AppOptions = {}): App {
  if (!config.twentyApiUrl) throw new Error('createApp needs config.twentyApiUrl (main.ts starts the emulator first).');
  const baseUrl = config.twentyApiUrl;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  // Upstream failures already logged (by the transport, or once for all the fields that shared one).
  const reported = new WeakSet<object>();
  const transport = createTwentyTransport({
    baseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    maxRetries: config.upstreamMaxRetries,
    // The outbound path: deadlines, the workspace's budget (shared through Redis when set), isolation.
    operationTimeoutMs: config.operationTimeoutMs,
    buckets: twentyBuckets(config.twentyRateLimitPerMinute, config.twentyRateLimitPerSecond),
    budgetStore: config.redisUrl
      ? new RedisBudgetStore({
          url: config.redisUrl,
          onFallback: observeBudgetRedis(metrics, logger),
        })
      : undefined,
    maxWaitMs: config.rateLimitMaxWaitMs,
    concurrencyPerKey: config.upstreamConcurrencyPerWorkspace,
    // Attempts, failures, the budget, 429s and coalesced GETs as metrics and log lines (src/observe.ts).
    ...observeTransport(metrics, logger, reported),
  });
  // Reports: one cache for the app (keyed by token hash inside), dropped by this token's own writes.
  // With REDIS_URL, report caches are shared by every instance: a write through one drops them on all.
  const reportStore =
    config.redisUrl && config.reportCacheTtlMs > 0
      ? new RedisReportStore({
          url: config.redisUrl,
          onFallback: (error) => error && logger.warn({ err: error }, 'Redis unavailable: report caches are per instance until it is back.'),
        })
      : undefined;
  const reports = createReports({
    store: reportStore,
    cacheTtlMs: config.reportCacheTtlMs,
    pipeline: { probabilities: config.pipelineStageProbabilities, wonStages: config.pipelineWonStages },
    onLookup: (hit) => metrics.reportCache.inc({ result: hit ? 'hit' : 'miss' }),
  });
  // Whole responses, opt-in (RESPONSE_CACHE_TTL_MS), per key, dropped by the same writes.
  const responseCache =
    config.responseCacheTtlMs > 0
      ? createResponseCache({ ttlMs: config.responseCacheTtlMs, upstreamUrl: baseUrl, fallbackKey: config.twentyApiKey, trustedOrigins: config.corsOrigins })
      : undefined;
  const onWrite = (tokenKey: string, object: string) => {
    void reports.cache.wrote(tokenKey, object);
    responseCache?.wrote(tokenKey, object);
  };
  const state = { draining: false };
  let closing: Promise<void> | undefined;
  const feeds = createFeedHub(config, observeFeeds(metrics, logger));
  // Gauges read at scrape time: feeds, subscribers, the budget's queues.
  metrics.watch({ feeds: () => feeds.stats(), budget: () => transport.budgetStats() });
  // By-key reads of concurrent operations of one key are pooled (src/loaders/shared.ts).
  const shared = new SharedBatches();
  const yoga = createYoga<Record<string, unknown>, RequestContext>({
    schema: createSchema({ federation: config.federation }),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: config.graphiql,
    renderGraphiQL: config.graphiql ? localGraphiQL() : undefined,
    landingPage: false,
    // Closed unless CORS_ORIGINS names the frontends; yoga's default would answer every origin.
    cors: config.corsOrigins.length > 0 ? { origin: [...config.corsOrigins], credentials: false, methods: ['GET', 'POST'] } : false,
    maxRequestBodySize: config.limits.bodyBytes,
    parserAndValidationCache: createParseCache(),
    context: ({ request }) =>
      createRequestContext(
        transport,
        baseUrl,
        tokenFrom(request, config.twentyApiKey, config.corsOrigins),
        // A client that disconnects stops its upstream work; the operation's time is bounded from here.
        { signal: request.signal, deadline: Date.now() + config.operationTimeoutMs },
        { reports, onWrite, feeds, shared },
      ),
    maskedErrors: { maskError: (error) => toGraphQLError(error) },
    logging: createErrorLogger(yogaLogger(logger), reported),
    plugins: [
      useRequestLog(logger, GRAPHQL_PATH),
      useReadiness((timeoutMs) => transport.probe(timeoutMs), () => state.draining),
      // Front door, in this order, all before the body is parsed: a request a browser could send
      // without a preflight (form, multipart, text/plain, bare GET) must carry a header no page
      // can add without CORS consent; then the credential; then the operation limits.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useCredentials(config.twentyApiKey, config.corsOrigins),
      useOperationLimits(config.limits),
      // Before the planner, so that the operations it refuses are counted.
      useMetrics(metrics, { onScrapeError: (error) => logger.error({ err: error }, 'metrics scrape failed') }),
      // The whole operation planned before its first REST call; refused above the cost limits.
      usePlanner({
        planner: config.planner,
        maxOperationCalls: config.maxOperationCalls,
        maxResponseRecords: config.maxResponseRecords,
        debug: config.debugUpstream,
      }),
      ...(config.introspection ? [] : [useIntrospectionGate()]),
      useSafeErrors({ hideSuggestions: !config.introspection }),
      ...(config.debugUpstream ? [useUpstreamDebug()] : []),
      ...(responseCache ? [responseCache.plugin] : []),
      ...feedPlugins(config, feeds),
      useDashboard({ needsKey: !config.twentyApiKey }),
    ],
  });
  return {
    yoga,
    metrics,
    transport,
    logger,
    config,
    feeds,
    get draining() {
      return state.draining;
    },
    set draining(value) {
      state.draining = value;
    },
    handle(request, response) {
      const scope = { id: requestIdFrom(request.headers['x-request-id']), started: performance.now() };
      requestScope.run(scope, () => void yoga(request, response));
    },
    close() {
      return (closing ??= feeds.close().then(() => Promise.all([reportStore?.close(), transport.close()])).then(() => {}));
    },
  };
}

const GRAPHQL_PATH = '/graphql';

/**
 * GraphiQL from @graphql-yoga/render-graphiql, whose page carries its scripts and styles inline:
 * nothing is loaded from a CDN. Loaded only when GraphiQL is on (the bundle is 9 MB), and
 * rendered once.
 */
function localGraphiQL(): (options?: GraphiQLOptions) => string {
  const { renderGraphiQL } = createRequire(import.meta.url)('@graphql-yoga/render-graphiql') as typeof import('@graphql-yoga/render-graphiql');
  const pages = new Map<string, string>();
  return (options) => {
    const key = JSON.stringify(options ?? {});
    let page = pages.get(key);
    if (page === undefined) pages.set(key, (page = renderGraphiQL({ title: 'twenty-bff', ...options })));
    return page;
  };
}

export interface RunningServer {
  app: App;
  server: Server;
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  /**
   * Graceful stop (SIGTERM): stop accepting connections, answer `/ready` with 503, let in-flight
   * requests finish for at most `timeoutMs`, then cut what is left and release the upstream pool.
   * Resolves with the number of requests that had to be cut.
   */
  shutdown(timeoutMs: number): Promise<{ cut: number }>;
  /** Immediate stop (tests): every connection is cut. */
  close(): Promise<void>;
}

export async function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app.handle);
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const webSocket = attachWebSocket(server, app.yoga, { path: GRAPHQL_PATH, fallbackKey: app.config.twentyApiKey, trustedOrigins: app.config.corsOrigins });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const closed = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    app,
    server,
    url: `http://${shownHost}:${address.port}`,
    async shutdown(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      app.draining = true;
      const done = closed();
      // Subscriptions never end by themselves: their sockets close now (clients reconnect elsewhere).
      await webSocket.close();
      // Keep-alive connections would hold `close` open: end the idle ones now, the others after
      // their response.
      server.closeIdleConnections();
      for (const response of inFlight) {
        if (!response.headersSent) response.shouldKeepAlive = false;
        else response.once('finish', () => setImmediate(() => server.closeIdleConnections()));
      }
      let cut = 0;
      const timer = setTimeout(() => {
        cut = inFlight.size;
        server.closeAllConnections();
      }, timeoutMs);
      await done;
      clearTimeout(timer);
      // The pool closes once its calls end; calls of requests cut at the deadline are abandoned.
      const left = Math.max(0, deadline - performance.now());
      await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, left).unref())]);
      return { cut };
    },
    async close() {
      await webSocket.close();
      server.closeAllConnections();
      await closed();
      await app.close();
    },
  };
}
