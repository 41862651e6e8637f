/**
 * The live feeds of one app: one feed per (API key, object), started by its first member (a
 * subscription or a live query) and stopped after its last leaves, however many members it has.
 * With a shared backend, the instances that have members of a feed compete for its lease; the
 * holder polls, every instance listens.
 */
import type { ConnectionScope } from '../context.js';
import type { ObjectPlural } from '../twenty/types.js';
import { feedName, MemoryBackend, type FeedBackend, type FeedWake } from './backend.js';
import type { ChangeDraft, ChangeEvent, FeedMessage } from './events.js';
import { Feed } from './feed.js';

export interface FeedHubOptions {
  /** The interval between polls of one feed (FEED_POLL_INTERVAL_MS, or FEED_WEBHOOK_POLL_INTERVAL_MS with webhooks). */
  pollIntervalMs: number;
  replayWindowMs: number;
  backend?: FeedBackend;
  /** Told what the feeds do (metrics, logs). */
  observer?: FeedObserver;
}

/** What the hub tells the app as its feeds work; every hook is optional, and one that throws is ignored. */
export interface FeedObserver {
  /** One poll made by this instance (the holder of the feed's lease), the first read of every row included. */
  onPoll?(poll: PollReport): void;
  /** A feed's work (its polls, or its lease and state in Redis) started failing: once per episode, not per retry. */
  onFailing?(trouble: FeedTrouble): void;
  /** The episode is over: the feed works again, or stopped while failing (`stopped`: its last member left). */
  onRecovered?(trouble: FeedTrouble & { stopped: boolean }): void;
  /** One delivery to `POST /webhooks/twenty` and what became of it (webhooks.ts). */
  onWebhook?(delivery: WebhookOutcome): void;
}

export interface PollReport {
  object: ObjectPlural;
  outcome: 'ok' | 'error';
  /** The first read of every row (the baseline), rather than a poll of what changed. */
  baseline: boolean;
  /** HTTP attempts made to Twenty. */
  calls: number;
  /** The events this poll published. */
  events: readonly ChangeDraft[];
  ms: number;
}

export interface FeedTrouble {
  object: ObjectPlural;
  /** The first 8 characters of the feed's workspace key (a hash: never the API key). */
  key: string;
  /** The first error of the episode. */
  error: unknown;
  /** Failed attempts so far. */
  failures: number;
  /** Since the first failure. */
  ms: number;
}

/** `accepted`: woke feeds, a `duplicate` twin, or `ignored` (authentic, of no use); else why it was refused. */
export type WebhookOutcome =
  | { accepted: true; reason: 'woke' | 'duplicate' | 'ignored' }
  | { accepted: false; reason: 'not_configured' | 'method' | 'too_large' | 'malformed' | 'bad_signature' | 'stale' | 'replayed' | 'not_json' };

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
  /** Its polls (or its lease and state in Redis) are failing now. */
  failing: boolean;
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

