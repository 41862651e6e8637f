/**
 * The report cache in Redis (`REDIS_URL`), shared by every instance of the BFF: a report computed
 * by one instance is warm on the others, and a write through any instance drops the reports it
 * makes stale on all of them. The ReportStore interface maps onto plain commands: entries are
 * `GET` and `SET … PX ttl`, a scope's write generation is `GET`, a write is `INCR`.
 *
 * Generation counters never expire: one small key per (API key hash, object) written to. A counter
 * that expired would count again from 0 and could bring back an entry it had dropped.
 *
 * When Redis cannot answer, the instance caches in its own memory rather than failing reports,
 * and tries Redis again a few seconds later. The writes it saw meanwhile are bumped in Redis
 * when it is back (other instances may hold reports they make stale), and what it cached in
 * memory is dropped then (writes made through other instances in the meantime never reached it).
 */
import { Redis } from 'ioredis';
import { MemoryReportStore, type ReportStore } from './cache.js';

export interface RedisReportStoreOptions {
  /** e.g. redis://localhost:6379/0 */
  url: string;
  /** Prefix of the keys the store writes. @default 'twenty-bff:report:' */
  prefix?: string;
  /** Called when Redis fails and the store falls back to memory (once per outage), and on recovery with no error. */
  onFallback?: (error: Error | undefined) => void;
  /** How long a failure keeps the store on memory before Redis is tried again (a hung Redis costs one timeout per period). @default 5000 */
  retryAfterMs?: number;
}

/** Writes remembered during an outage, to replay; past this many, the oldest are forgotten (their reports age out by TTL). */
const MAX_MISSED_BUMPS = 10_000;

export class RedisReportStore implements ReportStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private memory = new MemoryReportStore();
  private failing = false;
  private retryAt = 0;
  private readonly missedBumps = new Set<string>();

  constructor(private readonly options: RedisReportStoreOptions) {
    this.prefix = options.prefix ?? 'twenty-bff:report:';
    // One retry and a short timeout: a report waiting on a sick Redis holds up a user's request.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    this.redis.on('error', () => {
      // Connection errors surface on the commands, which fall back; this keeps them off stderr.
    });
  }

  get(key: string): Promise<string | undefined> {
    return this.attempt(
      async () => (await this.redis.get(this.entryKey(key))) ?? undefined,
      (memory) => memory.get(key),
    );
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.attempt(
      async () => void (await this.redis.set(this.entryKey(key), value, 'PX', ttlMs)),
      (memory) => memory.set(key, value, ttlMs),
    );
  }

  generation(scope: string): Promise<number> {
    return this.attempt(
      async () => Number((await this.redis.get(this.generationKey(scope))) ?? 0),
      (memory) => memory.generation(scope),
    );
  }

  bump(scope: string): Promise<void> {
    return this.attempt(
      async () => void (await this.redis.incr(this.generationKey(scope))),
      (memory) => {
        this.missedBumps.delete(scope);
        this.missedBumps.add(scope);
        if (this.missedBumps.size > MAX_MISSED_BUMPS) this.missedBumps.delete(this.missedBumps.values().next().value!);
        return memory.bump(scope);
      },
    );
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private entryKey(key: string): string {
    return `${this.prefix}entry:${key}`;
  }

  private generationKey(scope: string): string {
    return `${this.prefix}generation:${scope}`;
  }

  /** Runs `shared` in Redis, or `local` in this instance's memory while Redis fails. */
  private async attempt<T>(shared: () => Promise<T>, local: (memory: MemoryReportStore) => Promise<T>): Promise<T> {
    if (this.failing && (Date.now() < this.retryAt || this.redis.status !== 'ready')) return local(this.memory);
    try {
      if (this.failing) await this.recover();
      return await shared();
    } catch (error) {
      this.fellBack(error);
      return local(this.memory);
    }
  }

  /** Back from an outage: the writes seen meanwhile are bumped in Redis, what was cached in memory is dropped. */
  private async recover(): Promise<void> {
    for (const scope of [...this.missedBumps]) {
      await this.redis.incr(this.generationKey(scope));
      this.missedBumps.delete(scope);
    }
    this.failing = false;
    this.memory = new MemoryReportStore();
    this.options.onFallback?.(undefined);
  }

  private fellBack(error: unknown): void {
    this.retryAt = Date.now() + (this.options.retryAfterMs ?? 5_000);
    if (this.failing) return;
    this.failing = true;
    this.options.onFallback?.(error instanceof Error ? error : new Error(String(error)));
  }
}
