/**
 * One emulator with added latency and several BFF servers over it, each with its own planner
 * setting, so a query's REST calls and round trips can be compared with and without a decision
 * in one run. Round trips are the BFF's own count (`extensions.cost.roundTrips`: the longest
 * chain of calls each starting after the previous ended); with 20 ms per call, calls that run
 * in parallel always overlap, so the count is exact.
 */
import { parseConfig, type Config } from '../../src/config.js';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import { startEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from '../../src/emulator/index.js';
import type { Decision } from '../../src/planner/decisions.js';
import type { GraphQLResponseBody } from '../support/stack.js';

export const LATENCY_MS = 20;

/**
 * Settings of other parts that would stop these tests before the planner sees them: front-door
 * operation limits raised past the largest query here, the outbound budget off (the emulator's
 * rate limit is off too) and quiet logs. Spread into configs where those settings exist; inert
 * where they do not.
 */
export const FOR_PLANNER_TESTS = {
  limits: { bodyBytes: 10_000_000, tokens: 100_000, depth: 100, aliases: 1_000, directives: 1_000 },
  twentyRateLimitPerMinute: 0,
  twentyRateLimitPerSecond: 0,
  logLevel: 'silent',
} as unknown as Partial<Config>;

export interface Run {
  body: GraphQLResponseBody<any>;
  status: number;
  /** REST calls to records (the workspace metadata, read once per key and cached, left out). */
  calls: RequestLogEntry[];
  cost: { estimatedCalls: number; estimatedRoundTrips: number; estimatedRecords: number; calls: number; roundTrips: number };
}

export interface Planners {
  emulator: Emulator;
  /** Runs `query` on the server of that setting and returns what it cost. */
  run(setting: string, query: string, variables?: Record<string, unknown>): Promise<Run>;
  /** Runs `query` with `key` (the acme key by default) and returns its data; the request log is left as is. */
  query(setting: string, query: string, variables?: Record<string, unknown>, key?: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A planner setting: `on`, `off`, or `no-<decision>` (every decision but one). */
function plannerConfig(setting: string): Config['planner'] {
  if (setting === 'on') return { enabled: true, disabled: [] };
  if (setting === 'off') return { enabled: false, disabled: [] };
  return { enabled: true, disabled: [setting.replace(/^no-/, '') as Decision] };
}

export async function startPlanners(
  settings: string[],
  options: { emulator?: EmulatorOptions; config?: Partial<Config> } = {},
): Promise<Planners> {
  const emulator = await startEmulator({ dbFile: ':memory:', companies: 60, rateLimit: false, latencyMs: LATENCY_MS, ...options.emulator });
  const servers = new Map<string, RunningServer>();
  for (const setting of settings) {
    const config: Config = {
      ...parseConfig({}),
      twentyApiUrl: emulator.url,
      graphiql: false,
      debugUpstream: true,
      planner: plannerConfig(setting),
      ...FOR_PLANNER_TESTS,
      ...options.config,
    };
    servers.set(setting, await listen(createApp(config), 0, '127.0.0.1'));
  }
  const post = (setting: string, query: string, variables: Record<string, unknown> | undefined, key: string) => {
    const server = servers.get(setting);
    if (!server) throw new Error(`no server for planner setting ${setting}`);
    return fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
  };
  return {
    emulator,
    async run(setting, query, variables) {
      emulator.reset();
      const response = await post(setting, query, variables, emulator.keys.acme);
      const body = (await response.json()) as GraphQLResponseBody<any>;
      const calls = emulator.stats().requests.log.filter((c) => !c.path.includes('/metadata/'));
      return { body, status: response.status, calls, cost: body.extensions?.cost as Run['cost'] };
    },
    async query(setting, query, variables, key = emulator.keys.acme) {
      const body = (await (await post(setting, query, variables, key)).json()) as GraphQLResponseBody<any>;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async close() {
      for (const server of servers.values()) await server.close();
      await emulator.close();
    },
  };
}

/** `GET /rest/people/groupBy` style names of the calls, in the order they were made. */
export const callNames = (run: Run): string[] => run.calls.map((c) => `${c.method} ${c.path}`);
