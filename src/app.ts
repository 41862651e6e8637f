import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createRequire } from 'node:module';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createRequestContext, tokenFrom, type RequestContext } from './context.js';
import { createErrorLogger, toGraphQLError } from './errors.js';
import { Metrics } from './metrics.js';
import { useCredentials } from './plugins/use-credentials.js';
import { useIntrospectionGate } from './plugins/use-introspection.js';
import { useMetrics } from './plugins/use-metrics.js';
import { createParseCache, useOperationLimits } from './plugins/use-operation-limits.js';
import { useSafeErrors } from './plugins/use-safe-errors.js';
import { useUpstreamDebug } from './plugins/use-upstream-debug.js';
import { createSchema } from './schema.js';
import { createTwentyTransport, type TwentyTransport } from './twenty/client.js';

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, RequestContext>;
  metrics: Metrics;
  transport: TwentyTransport;
  close(): Promise<void>;
}

/** Builds the whole BFF for one upstream; listening is `listen()`'s job. */
export function createApp(config: Config): App {
  if (!config.twentyApiUrl) throw new Error('createApp needs config.twentyApiUrl (main.ts starts the emulator first).');
  const baseUrl = config.twentyApiUrl;
  const metrics = new Metrics();
  const transport = createTwentyTransport({
    baseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    maxRetries: config.upstreamMaxRetries,
    onCall(event) {
      metrics.upstreamRequests.inc({ method: event.method, object: event.object, status: String(event.status) });
      metrics.upstreamDuration.observe({ method: event.method, object: event.object }, event.ms / 1000);
    },
  });
  const yoga = createYoga<Record<string, unknown>, RequestContext>({
    schema: createSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql,
    renderGraphiQL: config.graphiql ? localGraphiQL() : undefined,
    landingPage: false,
    // Closed unless CORS_ORIGINS names the frontends; yoga's default would answer every origin.
    cors: config.corsOrigins.length > 0 ? { origin: [...config.corsOrigins], credentials: false, methods: ['GET', 'POST'] } : false,
    maxRequestBodySize: config.limits.bodyBytes,
    parserAndValidationCache: createParseCache(),
    context: ({ request }) => createRequestContext(transport, baseUrl, tokenFrom(request, config.twentyApiKey, config.corsOrigins)),
    maskedErrors: { maskError: (error) => toGraphQLError(error) },
    logging: createErrorLogger(createLogger('info')),
    plugins: [
      // Front door, in this order, all before the body is parsed: a request a browser could send
      // without a preflight (form, multipart, text/plain, bare GET) must carry a header no page
      // can add without CORS consent; then the credential; then the operation limits.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useCredentials(config.twentyApiKey, config.corsOrigins),
      useOperationLimits(config.limits),
      ...(config.introspection ? [] : [useIntrospectionGate()]),
      useSafeErrors({ hideSuggestions: !config.introspection }),
      useMetrics(metrics),
      ...(config.debugUpstream ? [useUpstreamDebug()] : []),
    ],
  });
  return {
    yoga,
    metrics,
    transport,
    async close() {
      await transport.close();
    },
  };
}

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
  close(): Promise<void>;
}

export async function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    app,
    server,
    url: `http://${shownHost}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
