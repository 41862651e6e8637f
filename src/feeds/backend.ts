/**
 * Where a feed's coordination lives: who polls (a lease), the event log that reconnecting
 * subscribers replay, the channel events are fanned out on, and the state a new poller resumes
 * from. In one process it is all memory (`MemoryBackend`); with `REDIS_URL` it is shared by every
 * instance (`RedisBackend`, redis-backend.ts). Feeds are named by `feedName(tokenKey, object)`.
 */
import { LRUCache } from 'lru-cache';
import { BadUserInputError } from '../errors.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';
import { compareEventIds, eventIdTime, isEventId, type ChangeDraft, type ChangeEvent, type FeedFailure, type FeedMessage } from './events.js';
import type { FeedState } from './poller.js';

/** What a poll leaves to save: the copies that changed (null: gone) and the new watermark. */
export interface StateChange {
  changed: Map<string, TwentyRecord | null>;
  watermark: string | null;
  /** A whole new baseline: copies saved before are dropped. */
  baseline?: boolean;
}

/** A webhook's news, relayed to every instance: which object of which workspace changed. */
export interface FeedWake {
  object: ObjectPlural;
  workspaceId: string;
  /** The record the delivery named. */
  recordId: string;
  /** True when it said the record was destroyed: pollers check the id at once. */
  destroyed: boolean;
}

export interface FeedBackend {
  /** True when other instances share it (Redis): state then lives there, not in a feed that stopped. */
  readonly shared: boolean;
  /** Becomes the poller of `feed` for `ttlMs`, unless another holds it. */
  acquire(feed: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease this instance holds; false when it was lost. */
  renew(feed: string, ttlMs: number): Promise<boolean>;
  release(feed: string): Promise<void>;
  /** The state a previous poller saved, if any (shared backends only). */
  loadState(feed: string): Promise<FeedState | undefined>;
  /** Whether a poller has saved a state, so that changes from now on will be published. */
  hasState(feed: string): Promise<boolean>;
  /**
   * If this instance still holds the lease: gives the drafts their ids, appends them to the log,
   * publishes them in order and saves the state change, all at once. False when the lease was lost
   * (nothing was published).
   */
  commit(feed: string, drafts: ChangeDraft[], change: StateChange): Promise<boolean>;
  /** Tells every subscriber of the feed that it has failed for good. */
  fail(feed: string, failure: FeedFailure): Promise<void>;
  /** Messages of one feed, in log order. */
  listen(feed: string, listener: (message: FeedMessage) => void): () => void;
  /**
   * The events after `eventId`, oldest first; BadUserInputError when `eventId` is unknown or older
   * than the replay window (events may have been dropped since).
   */
  replay(feed: string, eventId: string): Promise<ChangeEvent[]>;
  /** Relays a webhook's news to the pollers of every instance. */
  wake(wake: FeedWake): Promise<void>;
  onWake(listener: (wake: FeedWake) => void): () => void;
  /** True for the first claim of `key` within `ttlMs` (webhook replays and twins). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Drops what is kept of a feed nobody uses any more (memory only). */
  forget?(feed: string): void;
  close(): Promise<void>;
}

export const feedName = (tokenKey: string, object: ObjectPlural): string => `${tokenKey}:${object}`;

/**
 * Whether a feed's log can resume after `eventId`: the id is within the log's window (`floor`, ms)
 * and not past its newest event (`last`). Otherwise BadUserInputError: events may have been dropped.
 */
export function checkResumable(eventId: string, floor: number | undefined, last: string | undefined, windowMs: number): void {
  if (floor === undefined || eventIdTime(eventId) < floor || last === undefined || compareEventIds(eventId, last) > 0) {
    throw new BadUserInputError(
      `Cannot resume after event ${eventId}: it is unknown or older than the replay window (${windowMs} ms). ` +
        'Query the current state and subscribe again without a last event id.',
      { eventId },
    );
  }
}

/** Checks a resume point given by a client (SSE Last-Event-ID, `extensions.lastEventId`). */
export function checkEventId(eventId: unknown): string {
  if (!isEventId(eventId)) throw new BadUserInputError(`"${String(eventId)}" is not an event id (expected <ms>-<seq>).`);
  return eventId;
}

/** Everything in this process: one poller per feed is the hub's own map; the log is pruned by time. */
export class MemoryBackend implements FeedBackend {
  readonly shared = false;
  private readonly logs = new Map<string, { floor: number; events: ChangeEvent[]; last: [number, number] }>();
  private readonly listeners = new Map<string, Set<(message: FeedMessage) => void>>();
  private readonly wakeListeners = new Set<(wake: FeedWake) => void>();
  private readonly claims = new LRUCache<string, true>({ max: 100_000 });

  constructor(private readonly replayWindowMs: number) {}

  async acquire(): Promise<boolean> {
    return true;
  }

  async renew(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}

  async loadState(): Promise<FeedState | undefined> {
    return undefined;
  }

  async hasState(): Promise<boolean> {
    return false;
  }

  async commit(feed: string, drafts: ChangeDraft[]): Promise<boolean> {
    const now = Date.now();
    let log = this.logs.get(feed);
    if (!log) this.logs.set(feed, (log = { floor: now, events: [], last: [0, 0] }));
    const floor = now - this.replayWindowMs;
    if (floor > log.floor) {
      log.floor = floor;
      const keep = log.events.findIndex((e) => eventIdTime(e.eventId) >= floor);
      log.events.splice(0, keep < 0 ? log.events.length : keep);
    }
    const events = drafts.map((draft): ChangeEvent => {
      // `<ms>-<seq>` like a Redis stream id, increasing even if the clock steps back.
      log.last = now > log.last[0] ? [now, 0] : [log.last[0], log.last[1] + 1];
      return { eventId: `${log.last[0]}-${log.last[1]}`, ...draft };
    });
    log.events.push(...events);
    for (const event of events) this.dispatch(feed, event);
    return true;
  }

  async fail(feed: string, failure: FeedFailure): Promise<void> {
    this.dispatch(feed, failure);
  }

  listen(feed: string, listener: (message: FeedMessage) => void): () => void {
    let set = this.listeners.get(feed);
    if (!set) this.listeners.set(feed, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(feed) === set) this.listeners.delete(feed);
    };
  }

  async replay(feed: string, eventId: string): Promise<ChangeEvent[]> {
    const log = this.logs.get(feed);
    checkResumable(eventId, log?.floor, log?.events.at(-1)?.eventId, this.replayWindowMs);
    return log!.events.filter((e) => compareEventIds(e.eventId, eventId) > 0);
  }

  /** Drops a feed's log (its hub forgot the feed). */
  forget(feed: string): void {
    this.logs.delete(feed);
  }

  async wake(wake: FeedWake): Promise<void> {
    for (const listener of this.wakeListeners) listener(wake);
  }

  onWake(listener: (wake: FeedWake) => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.claims.has(key)) return false;
    this.claims.set(key, true, { ttl: ttlMs });
    return true;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.wakeListeners.clear();
  }

  private dispatch(feed: string, message: FeedMessage): void {
    for (const listener of [...(this.listeners.get(feed) ?? [])]) listener(message);
  }
}
