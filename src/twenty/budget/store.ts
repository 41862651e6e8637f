/**
 * The state of each workspace's outbound budget, behind one interface so that it can live in
 * this process (`MemoryBudgetStore`) or in Redis for every instance at once (`RedisBudgetStore`).
 *
 * The model mirrors Twenty's own limiter (twenty-rest.md §9): per workspace, token buckets with
 * continuous refill (100 a second and 100 a minute by default). A call may go when every bucket
 * holds one token plus a small headroom; the headroom absorbs the skew between the moment we
 * take a token and the moment the request reaches Twenty, so that a BFF that is the workspace's
 * only client never draws a 429.
 *
 * Two things adapt it to other clients of the workspace, which we cannot see: a 429 empties our
 * buckets and pauses the key (`penalize`), and halves the key's `share` of the configured rate,
 * which then grows back linearly over `recoverMs`.
 */

/** One token bucket: `limit` tokens, refilled continuously over `windowMs`. */
export interface BucketSpec {
  readonly limit: number;
  readonly windowMs: number;
}

export interface BudgetPolicy {
  readonly buckets: readonly BucketSpec[];
  /** Headroom, as the time one bucket needs to refill it (capped at a quarter of its window). */
  readonly safetyMs: number;
  /** Time for a halved share to grow back to whole (the longest window). */
  readonly recoverMs: number;
}

/**
 * One bucket after a decision: `spare` is how many calls could go now (tokens beyond the headroom;
 * fractional, possibly negative), `rate` its refill in tokens per ms. From these the budget
 * estimates when the n-th waiting call will get its token.
 */
export interface BucketLevel {
  spare: number;
  rate: number;
}

/**
 * `waitMs`: until one call could go (0 when granted). `paused`: the key is paused after a 429
 * (its levels are then unknown: empty).
 */
export interface TakeResult {
  granted: boolean;
  waitMs: number;
  paused: boolean;
  levels: BucketLevel[];
}

export interface BudgetStore {
  /** Takes one token from every bucket of `key` if each can spare one; else says how long until they can. */
  take(key: string, policy: BudgetPolicy): Promise<TakeResult>;
  /**
   * Twenty answered 429 for `key`: empty its buckets, take nothing for `pauseMs`, and halve its
   * share (once per pause: the other 429s of the same burst only extend the pause).
   */
  penalize(key: string, pauseMs: number, policy: BudgetPolicy): Promise<void>;
  close(): Promise<void>;
}

/** A halved share never goes below this fraction of the configured rate. */
export const MIN_SHARE = 0.1;

/** One key's state; `tokens[i]` as of `at[i]` (epoch ms). The Redis script keeps the same fields. */
export interface KeyState {
  tokens: number[];
  at: number[];
  pausedUntil: number;
  share: number;
  shareAt: number;
}

const freshState = (): KeyState => ({ tokens: [], at: [], pausedUntil: 0, share: 1, shareAt: 0 });

function shareAt(state: KeyState, now: number, recoverMs: number): number {
  return Math.min(1, state.share + Math.max(0, now - state.shareAt) / recoverMs);
}

/** The take rule, on a state read and written by the caller. Mirrored line by line in redis-store.ts. */
export function takeToken(state: KeyState, policy: BudgetPolicy, now: number): TakeResult {
  if (now < state.pausedUntil) return { granted: false, waitMs: state.pausedUntil - now, paused: true, levels: [] };
  const share = shareAt(state, now, policy.recoverMs);
  let waitMs = 0;
  const buckets = policy.buckets.map((bucket, i) => {
    const rate = (bucket.limit * share) / bucket.windowMs;
    const capacity = Math.max(1, bucket.limit * share);
    const known = state.at[i] !== undefined;
    const tokens = known ? Math.min(capacity, state.tokens[i] + Math.max(0, now - state.at[i]) * rate) : capacity;
    const need = Math.min(capacity, 1 + rate * Math.min(policy.safetyMs, bucket.windowMs / 4));
    if (tokens < need) waitMs = Math.max(waitMs, (need - tokens) / rate);
    return { tokens, need, rate };
  });
  const granted = waitMs === 0;
  state.at = policy.buckets.map(() => now);
  state.tokens = buckets.map((b) => (granted ? b.tokens - 1 : b.tokens));
  return {
    granted,
    waitMs: Math.ceil(waitMs),
    paused: false,
    levels: buckets.map((b, i) => ({ spare: state.tokens[i] - b.need + 1, rate: b.rate })),
  };
}

/** The penalize rule (see `BudgetStore.penalize`). */
export function penalizeKey(state: KeyState, pauseMs: number, policy: BudgetPolicy, now: number): void {
  const until = now + pauseMs;
  if (now >= state.pausedUntil) {
    state.share = Math.max(MIN_SHARE, shareAt(state, now, policy.recoverMs) / 2);
    state.shareAt = until;
  }
  state.pausedUntil = Math.max(state.pausedUntil, until);
  // Empty as of the end of the pause: refilling starts from zero then, as Twenty's does.
  state.tokens = policy.buckets.map(() => 0);
  state.at = policy.buckets.map(() => state.pausedUntil);
}

/** The budget of this process alone (no `REDIS_URL`). Keys idle for twice the policy's longest window are dropped. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly states = new Map<string, { state: KeyState; touched: number }>();
  private sweptAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, policy: BudgetPolicy): Promise<TakeResult> {
    const now = this.now();
    this.sweep(now, policy);
    return takeToken(this.stateOf(key, now), policy, now);
  }

  async penalize(key: string, pauseMs: number, policy: BudgetPolicy): Promise<void> {
    penalizeKey(this.stateOf(key, this.now()), pauseMs, policy, this.now());
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  private stateOf(key: string, now: number): KeyState {
    let entry = this.states.get(key);
    if (!entry) {
      entry = { state: freshState(), touched: now };
      this.states.set(key, entry);
    }
    entry.touched = Math.max(entry.touched, now, entry.state.pausedUntil);
    return entry.state;
  }

  private sweep(now: number, policy: BudgetPolicy): void {
    const idleMs = 2 * Math.max(policy.recoverMs, ...policy.buckets.map((b) => b.windowMs));
    if (now - this.sweptAt < idleMs) return;
    this.sweptAt = now;
    for (const [key, entry] of this.states) if (now - entry.touched > idleMs) this.states.delete(key);
  }
}
