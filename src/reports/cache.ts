/**
 * The report cache: grouped rows kept per caller's token hash (`ctx.tokenKey`, never across
 * keys) for `REPORT_CACHE_TTL_MS`, and dropped at once by the BFF's own writes to the object they
 * were read from.
 *
 * Dropping works by generations rather than by deleting keys: every (token, object) pair has a
 * write generation, part of the key of every entry read from that object; a write bumps it, so
 * older entries are never read again and age out. That needs no index of keys per object, which
 * is what lets a shared store (Redis: `GET`/`SET PX`, `INCR` for the generation) stand in for the
 * in-memory one behind the same small interface.
 */
import { LRUCache } from 'lru-cache';

/** Where cached reports live: in memory here, in Redis with `REDIS_URL` (redis-store.ts). */
export interface ReportStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The write generation of `scope` (0 until its first write). */
  generation(scope: string): Promise<number>;
  /** Records a write to `scope`: entries keyed under its older generations are never read again. */
  bump(scope: string): Promise<void>;
}

/** Bounds of the in-memory store: entries and total characters of their JSON. */
const MAX_ENTRIES = 10_000;
const MAX_CHARS = 64 * 1024 * 1024;

/** The process-local ReportStore (lru-cache): one per app, bounded in entries and size. */
export class MemoryReportStore implements ReportStore {
  private readonly entries = new LRUCache<string, string>({
    max: MAX_ENTRIES,
    maxSize: MAX_CHARS,
    sizeCalculation: (value, key) => value.length + key.length,
  });
  // Generations must outlive the entries they guard, so they get their own, larger, bound.
  private readonly generations = new LRUCache<string, number>({ max: MAX_ENTRIES * 10 });

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlMs });
  }

  async generation(scope: string): Promise<number> {
    return this.generations.get(scope) ?? 0;
  }

  async bump(scope: string): Promise<void> {
    this.generations.set(scope, (this.generations.get(scope) ?? 0) + 1);
  }
}

/**
 * Get-or-compute over a ReportStore. Values are JSON (big integers included); concurrent
 * requests for the same cold entry share one computation. A TTL of 0 turns caching off.
 */
export class ReportCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ReportStore,
    readonly ttlMs: number,
  ) {
    if (!Number.isInteger(ttlMs) || ttlMs < 0) throw new TypeError(`ReportCache ttlMs must be an integer ≥ 0, got ${ttlMs}`);
  }

  /** The value cached for (`tokenKey`, `object`, `key`), or what `compute` gives (then cached). */
  async get<T>(tokenKey: string, object: string, key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs === 0) return compute();
    const fullKey = entryKey(tokenKey, object, await this.store.generation(scopeOf(tokenKey, object)), key);
    const hit = await this.store.get(fullKey);
    if (hit !== undefined) return decode(hit) as T;
    const pending = this.inFlight.get(fullKey);
    if (pending) return pending as Promise<T>;
    const computing = compute().then(async (value) => {
      await this.store.set(fullKey, encode(value), this.ttlMs);
      return value;
    });
    this.inFlight.set(fullKey, computing);
    try {
      return await computing;
    } finally {
      this.inFlight.delete(fullKey);
    }
  }

  /**
   * The values cached for several keys of one object; those missing are computed together by
   * `compute` (one batch, e.g. one groupBy for a page of parents) and cached one by one.
   */
  async getMany<T>(tokenKey: string, object: string, keys: readonly string[], compute: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    if (this.ttlMs === 0) return compute([...keys]);
    const generation = await this.store.generation(scopeOf(tokenKey, object));
    const fullKey = (key: string) => entryKey(tokenKey, object, generation, key);
    const found = new Map<string, T>();
    const missing: string[] = [];
    // Looked up together: with Redis, one round trip's wait for a page of keys, not one per key.
    const hits = await Promise.all(keys.map((key) => this.store.get(fullKey(key))));
    keys.forEach((key, i) => {
      const hit = hits[i];
      if (hit === undefined) missing.push(key);
      else found.set(key, decode(hit) as T);
    });
    if (missing.length > 0) {
      const computed = await compute(missing);
      for (const [key, value] of computed) found.set(key, value);
      await Promise.all([...computed].map(([key, value]) => this.store.set(fullKey(key), encode(value), this.ttlMs)));
    }
    return found;
  }

  /** After a write through this token to `object` (any attempt: it may have happened). */
  wrote(tokenKey: string, object: string): Promise<void> {
    return this.store.bump(scopeOf(tokenKey, object));
  }
}

const scopeOf = (tokenKey: string, object: string) => `${tokenKey}\u0000${object}`;
const entryKey = (tokenKey: string, object: string, generation: number, key: string) => `${scopeOf(tokenKey, object)}\u0000${generation}\u0000${key}`;

const BIGINT = '$bigint';
const encode = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { [BIGINT]: v.toString() } : v));
const decode = (text: string): unknown =>
  JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && BIGINT in v && typeof (v as Record<string, unknown>)[BIGINT] === 'string'
      ? BigInt((v as Record<string, string>)[BIGINT])
      : v,
  );
