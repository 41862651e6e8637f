/**
 * The live feeds of one app: one feed per (API key, object), started by its first member (a
 * subscription or a live query) and stopped after its last leaves, however many members it has.
 * With a shared backend, the instances that have members of a feed compete for its lease; the
 * holder polls, every instance listens.
 */
import type { ConnectionScope } from '../context.js';
import type { ObjectPlural } from '../twenty/types.js';
import { feedName, MemoryBackend, type FeedBackend, type FeedWake } from './backend.js';
import type { ChangeEvent, FeedMessage } from './events.js';
import { Feed } from './feed.js';

export { RECONCILE_EVERY } from './feed.js';

export interface FeedHubOptions {
  /** The interval between polls of one feed (FEED_POLL_INTERVAL_MS, or FEED_WEBHOOK_POLL_INTERVAL_MS with webhooks). */
  pollIntervalMs: number;
  replayWindowMs: number;
  backend?: FeedBackend;
  onError?: (error: unknown, feed: { object: ObjectPlural }) => void;
}

/** One member's hold on a feed. */
export interface Membership {
  /** Resolves once changes from now on will be published; rejects if the feed cannot start. */
  ready: Promise<void>;
  /** The feed's messages, in order, from now on. */
  listen(listener: (message: FeedMessage) => void): () => void;
  /** The events after `eventId` (see FeedBackend.replay). */
  replay(eventId: string): Promise<ChangeEvent[]>;
  /** Idempotent; the feed stops after its last member leaves. */
  leave(): void;
}

export interface FeedStats {
  object: ObjectPlural;
  members: number;
  /** Members that ever joined (only grows). */
  joins: number;
  polling: boolean;
  ready: boolean;
  rows: number;
}

export class FeedHub {
  readonly backend: FeedBackend;
  private readonly feeds = new Map<string, Feed>();
  private readonly stopWaking: () => void;

  constructor(readonly options: FeedHubOptions) {
    this.backend = options.backend ?? new MemoryBackend(options.replayWindowMs);
    this.stopWaking = this.backend.onWake((wake) => {
      for (const feed of this.feeds.values()) feed.wake(wake);
    });
  }

  join(connection: ConnectionScope, object: ObjectPlural): Membership {
    const name = feedName(connection.tokenKey, object);
    let feed = this.feeds.get(name);
    if (!feed) {
      feed = new Feed(name, object, this, () => this.feeds.delete(name));
      this.feeds.set(name, feed);
    }
    return feed.join(connection);
  }

  /** A verified webhook's news: the holders of matching feeds, on any instance, poll at once. */
  wake(wake: FeedWake): Promise<void> {
    return this.backend.wake(wake);
  }

  stats(): FeedStats[] {
    return [...this.feeds.values()].map((feed) => feed.stats());
  }

  async close(): Promise<void> {
    this.stopWaking();
    await Promise.allSettled([...this.feeds.values()].map((feed) => feed.close()));
    this.feeds.clear();
    await this.backend.close();
  }
}

