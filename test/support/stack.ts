import type { Logger } from 'pino';
import { parseConfig, type Config } from '../../src/config.js';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type RequestLogEntry,
} from '../../src/emulator/index.js';

export interface GraphQLResponseBody<T> {
  data?: T;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export interface Stack {
  emulator: Emulator;
  server: RunningServer;
  graphqlUrl: string;
  config: Config;
  /** POSTs a GraphQL operation; sends the acme key unless `key` says otherwise (null: no header). */
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: GraphQLResponseBody<T> }>;
  /** The REST requests the BFF made since the last `resetCalls()`. */
  restCalls(): RequestLogEntry[];
  resetCalls(): void;
  close(): Promise<void>;
}

/** The real emulator and the real BFF server, both on random loopback ports. */
export async function startStack(
  options: { emulator?: EmulatorOptions; config?: Partial<Config>; logger?: Logger } = {},
): Promise<Stack> {
  const emulator = await startEmulator({ dbFile: ':memory:', companies: 60, rateLimit: false, ...options.emulator });
  const config: Config = {
    ...parseConfig({}),
    port: 0,
    host: '127.0.0.1',
    twentyApiUrl: emulator.url,
    twentyApiKey: undefined,
    graphiql: false,
    // The emulator's limits are off unless a test sets them: so is the BFF's budget.
    twentyRateLimitPerMinute: 0,
    twentyRateLimitPerSecond: 0,
    // Quiet by default; tests about logs pass their own logger.
    logLevel: 'silent',
    ...options.config,
  };
  const server = await listen(createApp(config, { logger: options.logger }), 0, '127.0.0.1');
  const graphqlUrl = `${server.url}/graphql`;
  return {
    emulator,
    server,
    graphqlUrl,
    config,
    async query(query, variables, queryOptions = {}) {
      const key = queryOptions.key === undefined ? emulator.keys.acme : queryOptions.key;
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...queryOptions.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponseBody<any> };
    },
    restCalls: () => emulator.stats().requests.log,
    resetCalls: () => emulator.reset(),
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}
