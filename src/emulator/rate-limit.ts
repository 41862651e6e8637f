/**
 * Per-workspace rate limits (twenty-rest.md §9): two token buckets with continuous refill, by
 * default 100 per second and 100 per 60 seconds, shared by all keys of a workspace. A refused
 * request gets the newest servers' 429: `Retry-After`, `X-RateLimit-*` and `retryAfterSeconds`.
 */
import { HttpError } from './http-error.js';

export interface RateLimitConfig {
  shortLimit: number;
  shortTtlMs: number;
  longLimit: number;
  longTtlMs: number;
}

export const TWENTY_RATE_LIMITS: RateLimitConfig = { shortLimit: 100, shortTtlMs: 1000, longLimit: 100, longTtlMs: 60_000 };

class Bucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: number,
    readonly ttlMs: number,
    now: number,
  ) {
    this.tokens = limit;
    this.last = now;
  }

  refill(now: number): number {
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) * this.limit) / this.ttlMs);
    this.last = now;
    return this.tokens;
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Milliseconds until one whole token is back. */
  waitMs(): number {
    return Math.max(0, ((1 - this.tokens) * this.ttlMs) / this.limit);
  }
}

export function rateLimitedError(limit: number, ttlMs: number, retryAfterSeconds: number, remaining = 0): HttpError {
  return new HttpError(
    429,
    'RATE_LIMITED',
    `Limit reached (${limit} tokens per ${ttlMs} ms)`,
    {
      'Retry-After': String(retryAfterSeconds),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
    },
    { retryAfterSeconds },
  );
}

export class RateLimiter {
  private buckets = new Map<string, [Bucket, Bucket]>();
  private config: RateLimitConfig | false;

  constructor(config: Partial<RateLimitConfig> | false | undefined) {
    this.config = normalise(config);
  }

  configure(config: Partial<RateLimitConfig> | false | undefined): void {
    this.config = normalise(config);
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
  }

  /** Takes one token from both buckets of the workspace, or throws the 429. */
  consume(ws: string, now = Date.now()): void {
    const config = this.config;
    if (!config) return;
    let pair = this.buckets.get(ws);
    if (!pair) {
      pair = [new Bucket(config.shortLimit, config.shortTtlMs, now), new Bucket(config.longLimit, config.longTtlMs, now)];
      this.buckets.set(ws, pair);
    }
    for (const bucket of pair) {
      if (bucket.refill(now) < 1) {
        throw rateLimitedError(bucket.limit, bucket.ttlMs, Math.max(1, Math.ceil(bucket.waitMs() / 1000)));
      }
    }
    for (const bucket of pair) bucket.take();
  }
}

function normalise(config: Partial<RateLimitConfig> | false | undefined): RateLimitConfig | false {
  if (config === false) return false;
  return { ...TWENTY_RATE_LIMITS, ...(config ?? {}) };
}
