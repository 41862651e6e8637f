import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createRequestContext, tokenFrom, type RequestContext } from './context.js';
import { createErrorLogger, toGraphQLError } from './errors.js';
import { Metrics } from './metrics.js';
import { useMetrics } from './plugins/use-metrics.js';
import { usePlanner } from './plugins/use-planner.js';
import { useUpstreamDebug } from './plugins/use-upstream-debug.js';
import { createSchema } from './schema.js';
import { createTwentyTransport, type TwentyTransport } from './twenty/client.js';
import { SharedBatches } from './loaders/shared.js';

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
  // By-key reads of concurrent operations of one key are pooled (src/loaders/shared.ts).
  const shared = new SharedBatches();
  const yoga = createYoga<Record<string, unknown>, RequestContext>({
    schema: createSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql,
    landingPage: false,
    context: ({ request }) => createRequestContext(transport, baseUrl, tokenFrom(request, config.twentyApiKey), { shared }),
    maskedErrors: { maskError: (error) => toGraphQLError(error) },
    logging: createErrorLogger(createLogger('info')),
    plugins: [
      useMetrics(metrics),
      usePlanner({
        planner: config.planner,
        maxOperationCalls: config.maxOperationCalls,
        maxResponseRecords: config.maxResponseRecords,
        debug: config.debugUpstream,
      }),
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
