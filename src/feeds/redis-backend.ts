/**
 * Feeds shared by several instances through Redis (`REDIS_URL`):
 *
 * - a lease per feed (`SET NX PX`): one instance polls, the others only listen; a lost holder's
 *   lease expires and another instance with subscribers takes it over;
 * - every commit is one Lua script that first checks the lease is still ours, then appends the
 *   events to the feed's stream (the replay window, trimmed by time), publishes them in the same
 *   order and saves the poller's state (the copies of the rows and the watermark). A holder that
 *   lost its lease publishes nothing; a holder that dies mid-poll published nothing of that poll,
 *   and its successor polls again from the saved watermark: no event is lost or repeated;
 * - events reach every instance through graphql-yoga's Redis event target (ioredis pub/sub).
 *
 * Keys share a hash tag per feed (`{…}`), so a feed's keys live on one Redis Cluster slot. Keys
 * hold the hash of the API key (`tokenKey`), never the key itself.
 */
import { Redis } from 'ioredis';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { ChangeDraft, ChangeEvent, FeedFailure, FeedMessage } from './events.js';
import { checkResumable, type FeedBackend, type FeedWake, type StateChange } from './backend.js';
import { POLL_OVERLAP_MS, type FeedState } from './poller.js';
import type { TwentyRecord } from '../twenty/types.js';
import { notify } from '../hooks.js';

const PREFIX = 'twenty-bff:feed';
const WAKE_TOPIC = 'twenty-bff:feeds:wake';
/** Rows saved per script call: a baseline of 50,000 rows is 100 short scripts, not one huge one. */
const SAVE_CHUNK = 500;

const keys = (feed: string) => {
  const tag = `${PREFIX}:{${feed}}`;
  return { lease: `${tag}:lease`, log: `${tag}:log`, rows: `${tag}:rows`, meta: `${tag}:meta`, channel: `${tag}:events` };
};

/** KEYS lease log rows meta; ARGV me channel windowMs stateTtlMs reset setWatermark watermark n events… n id json… n id… */
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local floor = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[3])
if floor < 0 then floor = 0 end
if ARGV[5] == '1' then redis.call('DEL', KEYS[3], KEYS[4]) end
local i = 8
local n = tonumber(ARGV[i]); i = i + 1
for e = 1, n do
  local id = redis.call('XADD', KEYS[2], 'MINID', tostring(floor), '*', 'e', ARGV[i])
  redis.call('PUBLISH', ARGV[2], '{"eventId":"' .. id .. '",' .. string.sub(ARGV[i], 2))
  i = i + 1
end
if n == 0 then redis.call('XTRIM', KEYS[2], 'MINID', tostring(floor)) end
n = tonumber(ARGV[i]); i = i + 1
for e = 1, n do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2 end
n = tonumber(ARGV[i]); i = i + 1
for e = 1, n do redis.call('HDEL', KEYS[3], ARGV[i]); i = i + 1 end
if ARGV[6] == '1' then redis.call('HSET', KEYS[4], 'watermark', ARGV[7], 'ready', '1') end
redis.call('HSET', KEYS[4], 'floor', tostring(floor))
for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[4]) end
return 1
`;

/** KEYS lease log rows meta; ARGV me leaseTtlMs stateTtlMs */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[3]) end
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisBackendOptions {
  url: string;
  replayWindowMs: number;
  /** How long a feed's saved state outlives its last save: a successor resumes from it within this time. */
  stateTtlMs: number;
  /** This instance's name in leases (host, pid, a random part). */
  instanceId: string;
  /** Told when a connection to Redis is lost (once per outage, not per reconnect attempt) and when it is back (logs). */
  onConnection?: (event: RedisConnectionEvent) => void;
}

/** `commands`: leases, state, the log and publishing; `events`: the subscription that fans events out. */
export type RedisConnectionEvent =
  | { connection: 'commands' | 'events'; up: false; error: Error }
  | { connection: 'commands' | 'events'; up: true; downMs: number };

export class RedisBackend implements FeedBackend {
  readonly shared = true;
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly target: ReturnType<typeof createRedisEventTarget>;
  private readonly wakeListeners = new Set<(wake: FeedWake) => void>();
  private readonly onWakeEvent = (event: Event) => {
    const wake = (event as CustomEvent<FeedWake>).detail;
    for (const listener of this.wakeListeners) listener(wake);
  };

  constructor(private readonly options: RedisBackendOptions) {
    this.commands = new Redis(options.url);
    // Subscribing starts before the connection is up; ioredis's ready check (INFO) would then be
    // refused on a connection already in subscriber mode.
    this.subscriber = new Redis(options.url, { enableReadyCheck: false });
    // Connection trouble is retried by ioredis (an unhandled 'error' event would end the process):
    // the observer hears of the first error of an outage and of the reconnection that ends it.
    for (const [connection, client] of [['commands', this.commands], ['events', this.subscriber]] as const) {
      let downSince: number | undefined;
      const tell = (event: RedisConnectionEvent) => notify(options.onConnection, event);
      client.on('error', (error: Error) => {
        if (downSince !== undefined) return;
        downSince = Date.now();
        tell({ connection, up: false, error });
      });
      client.on('ready', () => {
        if (downSince === undefined) return;
        tell({ connection, up: true, downMs: Date.now() - downSince });
        downSince = undefined;
      });
    }
    this.target = createRedisEventTarget({ publishClient: this.commands, subscribeClient: this.subscriber });
    guardSubscriptions(this.subscriber);
    this.target.addEventListener(WAKE_TOPIC, this.onWakeEvent);
  }

  async acquire(feed: string, ttlMs: number): Promise<boolean> {
    return (await this.commands.set(keys(feed).lease, this.options.instanceId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(feed: string, ttlMs: number): Promise<boolean> {
    const k = keys(feed);
    const renewed = await this.commands.eval(RENEW, 4, k.lease, k.log, k.rows, k.meta, this.options.instanceId, ttlMs, this.options.stateTtlMs);
    return renewed === 1;
  }

  async release(feed: string): Promise<void> {
    await this.commands.eval(RELEASE, 1, keys(feed).lease, this.options.instanceId);
  }

  async loadState(feed: string): Promise<FeedState | undefined> {
    const k = keys(feed);
    const [meta, rows] = await Promise.all([this.commands.hgetall(k.meta), this.commands.hgetall(k.rows)]);
    if (meta.ready !== '1') return undefined;
    const snapshots = new Map<string, TwentyRecord>();
    for (const [id, json] of Object.entries(rows)) snapshots.set(id, JSON.parse(json) as TwentyRecord);
    // The previous poller's recent reads are unknown: read the overlap again for a while.
    return { snapshots, watermark: meta.watermark ? meta.watermark : null, overlapUntil: Date.now() + POLL_OVERLAP_MS };
  }

  async hasState(feed: string): Promise<boolean> {
    return (await this.commands.hget(keys(feed).meta, 'ready')) === '1';
  }

  async commit(feed: string, drafts: ChangeDraft[], change: StateChange): Promise<boolean> {
    const saved = [...change.changed].filter((entry): entry is [string, TwentyRecord] => entry[1] !== null);
    const removed = [...change.changed].filter(([, record]) => record === null).map(([id]) => id);
    // Big saves go first in chunks, fenced like the rest; the last call publishes and marks the state ready.
    let reset = change.baseline === true;
    while (saved.length > SAVE_CHUNK) {
      if (!(await this.runCommit(feed, [], saved.splice(0, SAVE_CHUNK), [], reset, undefined))) return false;
      reset = false;
    }
    return this.runCommit(feed, drafts, saved, removed, reset, change.watermark);
  }

  private async runCommit(
    feed: string,
    drafts: ChangeDraft[],
    saved: Array<[string, TwentyRecord]>,
    removed: string[],
    reset: boolean,
    watermark: string | null | undefined,
  ): Promise<boolean> {
    const k = keys(feed);
    const args: Array<string | number> = [
      this.options.instanceId,
      k.channel,
      this.options.replayWindowMs,
      this.options.stateTtlMs,
      reset ? '1' : '0',
      watermark === undefined ? '0' : '1',
      watermark ?? '',
      drafts.length,
      ...drafts.map((draft) => JSON.stringify(draft)),
      saved.length,
      ...saved.flatMap(([id, record]) => [id, JSON.stringify(record)]),
      removed.length,
      ...removed,
    ];
    return (await this.commands.eval(COMMIT, 4, k.lease, k.log, k.rows, k.meta, ...args)) === 1;
  }

  async fail(feed: string, failure: FeedFailure): Promise<void> {
    await this.commands.publish(keys(feed).channel, JSON.stringify(failure));
  }

  listen(feed: string, listener: (message: FeedMessage) => void): () => void {
    const topic = keys(feed).channel;
    const callback = (event: Event) => listener((event as CustomEvent<FeedMessage>).detail);
    this.target.addEventListener(topic, callback);
    return () => this.target.removeEventListener(topic, callback);
  }

  async replay(feed: string, eventId: string): Promise<ChangeEvent[]> {
    const k = keys(feed);
    const [floor, newest] = await Promise.all([this.commands.hget(k.meta, 'floor'), this.commands.xrevrange(k.log, '+', '-', 'COUNT', 1)]);
    checkResumable(eventId, floor === null ? undefined : Number(floor), newest[0]?.[0], this.options.replayWindowMs);
    const entries = await this.commands.xrange(k.log, `(${eventId}`, '+');
    return entries.map(([id, fields]) => ({ eventId: id, ...(JSON.parse(fields[1]) as ChangeDraft) }));
  }

  async wake(wake: FeedWake): Promise<void> {
    await this.commands.publish(WAKE_TOPIC, JSON.stringify(wake));
  }

  onWake(listener: (wake: FeedWake) => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.commands.set(`twenty-bff:claim:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    this.target.removeEventListener(WAKE_TOPIC, this.onWakeEvent);
    // QUIT waits for Redis to answer: a client that is not connected would wait out its retries.
    await Promise.allSettled([this.commands, this.subscriber].map(async (client) => (client.status === 'ready' ? client.quit() : client.disconnect())));
  }
}

/**
 * The event target (and ioredis, re-subscribing after a reconnection) send SUBSCRIBE and
 * UNSUBSCRIBE without waiting for them: when Redis cannot be reached past ioredis's retries, that
 * would be an unhandled rejection (which ends the process) and a topic never heard again. The
 * client's own methods are wrapped so that failures are caught, and every topic is subscribed
 * again whenever the connection is (re)established.
 */
export function guardSubscriptions(client: Redis): void {
  const topics = new Set<string>();
  // ioredis itself re-subscribes with an array of channels: both forms are accepted.
  type Channels = (...channels: Array<string | string[]>) => Promise<unknown>;
  const subscribe = (client.subscribe as Channels).bind(client);
  const unsubscribe = (client.unsubscribe as Channels).bind(client);
  client.on('ready', () => {
    if (topics.size > 0) subscribe(...topics).catch(() => {});
  });
  const guarded: Record<'subscribe' | 'unsubscribe', Channels> = {
    subscribe: (...channels) => {
      for (const channel of channels.flat()) topics.add(channel);
      return subscribe(...channels).catch(() => 0);
    },
    unsubscribe: (...channels) => {
      for (const channel of channels.flat()) topics.delete(channel);
      return unsubscribe(...channels).catch(() => 0);
    },
  };
  Object.assign(client, guarded);
}
