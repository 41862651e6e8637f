/**
 * Live feeds, assembled from the config: the hub (in memory, or shared through Redis with
 * `REDIS_URL`) and the yoga plugins of its transports and webhooks. WebSocket is attached to the
 * HTTP server by `listen()` (websocket.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { FeedHub, type FeedObserver } from './hub.js';
import { RedisBackend, type RedisConnectionEvent } from './redis-backend.js';
import { useGraphQLSseSingleConnection, useSseSubscriptions } from './sse.js';
import { useTwentyWebhooks } from './webhooks.js';

export { FeedHub } from './hub.js';
export type { FeedObserver, FeedTrouble, PollReport, WebhookOutcome } from './hub.js';
export type { RedisConnectionEvent } from './redis-backend.js';
export { attachWebSocket } from './websocket.js';

/** With webhooks, polling is only their safety net and runs at the longer interval. */
const pollIntervalOf = (config: Pick<Config, 'feeds'>): number =>
  config.feeds.webhookSecret ? config.feeds.webhookPollIntervalMs : config.feeds.pollIntervalMs;

/** `observer`: what the feeds do (metrics, logs); `onRedis`: the shared backend's connection lost and back. */
export function createFeedHub(
  config: Pick<Config, 'feeds' | 'redisUrl'>,
  observers: { observer?: FeedObserver; onRedis?: (event: RedisConnectionEvent) => void } = {},
): FeedHub {
  const pollIntervalMs = pollIntervalOf(config);
  const { replayWindowMs } = config.feeds;
  const backend = config.redisUrl
    ? new RedisBackend({
        url: config.redisUrl,
        replayWindowMs,
        // A successor resumes from the saved state if it takes over within this time.
        stateTtlMs: Math.max(60_000, replayWindowMs + 10 * pollIntervalMs),
        instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        onConnection: observers.onRedis,
      })
    : undefined;
  return new FeedHub({
    pollIntervalMs,
    replayWindowMs,
    backend,
    observer: observers.observer,
  });
}

export function feedPlugins(config: Pick<Config, 'feeds'>, hub: FeedHub): Plugin[] {
  return [useGraphQLSseSingleConnection(), useSseSubscriptions(), useTwentyWebhooks({ secret: config.feeds.webhookSecret, hub })];
}
