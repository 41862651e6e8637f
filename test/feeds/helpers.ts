/**
 * Shared pieces of the feed tests: a stack with short intervals, subscriptions through the real
 * graphql-sse and graphql-ws clients, writes straight to the emulator's REST API (as another
 * Twenty client would make them), and the emulator's log of the feeds' polls.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import type { RequestLogEntry } from '../../src/emulator/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { createOne, rest, type Rec } from '../emulator/helpers.js';

export type { Rec };

export function feedConfig(pollIntervalMs: number, extra: Partial<Config['feeds']> = {}): Partial<Config> {
  return { feeds: { pollIntervalMs, webhookPollIntervalMs: pollIntervalMs, replayWindowMs: 60_000, webhookSecret: undefined, ...extra } };
}

export function startFeedStack(pollIntervalMs: number, options: { config?: Partial<Config>; companies?: number } = {}): Promise<Stack> {
  return startStack({ emulator: { companies: options.companies ?? 10 }, config: { ...feedConfig(pollIntervalMs), ...options.config } });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** One subscription's results as they arrive, with the time each arrived. */
export interface Collected {
  results: Array<{ data?: Rec; errors?: Rec[] }>;
  arrivals: number[];
  /** The `…Changed` payloads received so far. */
  changes(): Rec[];
  /** Waits until a payload matching `match` has arrived; returns it with its arrival time. */
  next(match: (change: Rec) => boolean, timeoutMs?: number): Promise<{ change: Rec; at: number }>;
  completed: boolean;
  close(): void;
}

function collector(field: string, close: () => void): Collected & { push(result: Rec): void } {
  const collected = {
    results: [] as Array<{ data?: Rec; errors?: Rec[] }>,
    arrivals: [] as number[],
    completed: false,
    push(result: Rec) {
      collected.results.push(result);
      collected.arrivals.push(Date.now());
    },
    changes: () => collected.results.filter((r) => r.data?.[field]).map((r) => r.data![field] as Rec),
    async next(match: (change: Rec) => boolean, timeoutMs = 10_000) {
      return waitFor(
        () => {
          const index = collected.results.findIndex((r) => r.data?.[field] && match(r.data[field]));
          return index >= 0 ? { change: collected.results[index].data![field] as Rec, at: collected.arrivals[index] } : undefined;
        },
        timeoutMs,
        `a ${field} event`,
      );
    },
    close,
  };
  return collected;
}

/** Subscribes with the graphql-sse client (distinct connections by default); resolves once the stream is open. */
export async function sseSubscribe(
  stack: Stack,
  query: string,
  options: { variables?: Rec; key?: string; singleConnection?: boolean } = {},
): Promise<Collected> {
  const field = fieldOf(query);
  const key = options.key ?? stack.emulator.keys.acme;
  let connected!: () => void;
  const open = new Promise<void>((resolve) => (connected = resolve));
  const client = createSseClient({
    url: stack.graphqlUrl,
    headers: { authorization: `Bearer ${key}` },
    singleConnection: options.singleConnection ?? false,
    retryAttempts: 0,
    on: { connected: () => connected() },
  });
  const collected = collector(field, () => {
    unsubscribe();
    client.dispose();
  });
  const unsubscribe = client.subscribe(
    { query, variables: options.variables },
    {
      next: (result) => collected.push(result as Rec),
      error: (error) => collected.push({ errors: [{ message: String(error) }] }),
      complete: () => (collected.completed = true),
    },
  );
  await Promise.race([open, waitFor(() => collected.completed || collected.results.length > 0, 15_000, 'an SSE stream')]);
  return collected;
}

/** Subscribes with the graphql-ws client (key in connectionParams); resolves once the feed counts it as a ready member. */
export async function wsSubscribe(
  stack: Stack,
  query: string,
  options: { variables?: Rec; key?: string; extensions?: Rec; members?: number } = {},
): Promise<Collected> {
  const field = fieldOf(query);
  const key = options.key ?? stack.emulator.keys.acme;
  const client = createWsClient({
    url: stack.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
  });
  const collected = collector(field, () => {
    unsubscribe();
    void client.dispose();
  });
  const before = joinCount(stack);
  const unsubscribe = client.subscribe(
    { query, variables: options.variables, extensions: options.extensions },
    {
      next: (result) => collected.push(result as Rec),
      error: (error) => collected.push({ errors: Array.isArray(error) ? (error as Rec[]) : [{ message: String((error as Error)?.message ?? error) }] }),
      complete: () => (collected.completed = true),
    },
  );
  // graphql-ws has no per-subscription acknowledgement: wait until the feed counts one more ready member.
  await waitFor(() => collected.completed || collected.results.length > 0 || (joinCount(stack) > before && allReady(stack)), 15_000, 'a WebSocket subscription');
  return collected;
}

/**
 * A bare SSE subscriber, as a browser's EventSource is one: a POST with `Accept: text/event-stream`
 * whose events are kept as text. Light enough to open a thousand of.
 */
export interface RawSse {
  /** Every `data:` payload received, parsed. */
  events: Rec[];
  /** When each event arrived. */
  arrivals: number[];
  /** The `id:` of each event, in order. */
  ids: string[];
  status: number;
  close(): void;
}

export async function rawSse(stack: Stack, query: string, options: { key?: string; lastEventId?: string; variables?: Rec } = {}): Promise<RawSse> {
  const controller = new AbortController();
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${options.key ?? stack.emulator.keys.acme}`,
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
    signal: controller.signal,
  });
  const sse: RawSse = { events: [], arrivals: [], ids: [], status: response.status, close: () => controller.abort() };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (/^event: next$/m.test(block) && data) {
            sse.events.push(JSON.parse(data) as Rec);
            sse.arrivals.push(Date.now());
          }
          const id = /^id: (.+)$/m.exec(block)?.[1];
          if (id) sse.ids.push(id);
        }
      }
    } catch {
      // aborted
    }
  })();
  return sse;
}

const joinCount = (stack: Stack) => stack.server.app.feeds.stats().reduce((n, feed) => n + feed.joins, 0);
const allReady = (stack: Stack) => stack.server.app.feeds.stats().every((feed) => feed.members === 0 || feed.ready);

function fieldOf(query: string): string {
  const match = /subscription[^{]*{\s*(\w+)/.exec(query);
  if (!match) throw new Error(`No subscription field in ${query}`);
  return match[1];
}

/** The feeds' change polls (not baselines, checks or counts) the BFF sent for `object`, from the emulator's log. */
export function pollsOf(stack: Stack, object: string, log = stack.restCalls()): RequestLogEntry[] {
  return log.filter((entry) => entry.method === 'GET' && entry.object === object && isChangePoll(entry));
}

export function isChangePoll(entry: RequestLogEntry): boolean {
  const filter = entry.query.filter;
  return typeof filter === 'string' && filter.includes('updatedAt[gte]') && !entry.query.starting_after;
}

/** Writes through Twenty's REST API directly (not through the BFF). */
export const write = {
  create: (stack: Stack, plural: string, body: Rec): Promise<Rec> => createOne(stack.emulator, plural, body),
  async update(stack: Stack, plural: string, id: string, body: Rec): Promise<Rec> {
    const res = await rest(stack.emulator, `/rest/${plural}/${id}`, { method: 'PATCH', body });
    expect(res.status, res.text).toBe(200);
    return Object.values(res.body.data)[0] as Rec;
  },
  async softDelete(stack: Stack, plural: string, id: string): Promise<void> {
    const res = await rest(stack.emulator, `/rest/${plural}/${id}?soft_delete=true`, { method: 'DELETE' });
    expect(res.status, res.text).toBe(200);
  },
  async restore(stack: Stack, plural: string, id: string): Promise<void> {
    const res = await rest(stack.emulator, `/rest/${plural}/${id}/restore`, { method: 'PATCH' });
    expect(res.status, res.text).toBe(200);
  },
  async destroy(stack: Stack, plural: string, id: string): Promise<void> {
    const res = await rest(stack.emulator, `/rest/${plural}/${id}`, { method: 'DELETE' });
    expect(res.status, res.text).toBe(200);
  },
};
