/**
 * The workspace's outbound budget, as seen by one process: every attempt to Twenty is admitted
 * here first. Per workspace key it keeps a queue (a "lane") and admits a call when
 *  - the store grants a token (Twenty's buckets, mirrored: see store.ts), and
 *  - fewer than `concurrencyPerKey` calls of the key are in flight, so one workspace's hung calls
 *    hold at most that many connections and never stall another workspace.
 *
 * Who goes first among waiting calls: the most urgent priority class (interactive, then report,
 * then feed); within a class, the operation that has been admitted least so far (fair share: a
 * 200-call operation cannot starve a 5-call one); within an operation, the oldest call.
 *
 * A call waits at most `maxWaitMs` in all (across its retries) and never past its deadline; then
 * it fails with RateLimitedError and `retryAfterMs`, an estimate of when the budget will serve
 * it. A call that could not be served within that bound even at best fails at once.
 *
 * A 429 from Twenty means other clients share the workspace: the key pauses (for `Retry-After`
 * when given, else with exponential backoff and jitter), its buckets empty and its share of the
 * rate halves (store.ts). The call that got it simply asks for admission again.
 */
import { RateLimitedError, UpstreamError } from '../../errors.js';
import { type CallPriority, type CallScope, PRIORITY_RANK, cancelledError, deadlineError, onAbort } from '../scope.js';
import type { BucketLevel, BudgetPolicy, BudgetStore } from './store.js';
import { notify } from '../../hooks.js';

export interface BudgetOptions {
  policy: BudgetPolicy;
  store: BudgetStore;
  /** Longest time a call may wait for the budget, over all its retries. */
  maxWaitMs: number;
  /** Calls of one key in flight at once. */
  concurrencyPerKey: number;
  /** First pause after a 429 that names no wait; doubles with each 429 in a row (with jitter). */
  rateLimitBackoffMs: number;
  /** Told of every admission (metrics, tests). */
  onAdmit?: (event: AdmitEvent) => void;
  /** Told of every call the budget refuses with RateLimitedError (metrics). */
  onRefuse?: (event: RefuseEvent) => void;
  /** Told of every 429 from Twenty and the pause it caused (metrics). */
  onRateLimited?: (event: RateLimitedEvent) => void;
}

export interface AdmitEvent {
  key: string;
  priority: CallPriority;
  /** e.g. `GET /rest/companies?limit=60` */
  label: string;
  waitedMs: number;
}

export interface RefuseEvent {
  key: string;
  priority: CallPriority;
  retryAfterMs: number;
}

export interface RateLimitedEvent {
  key: string;
  /** The key's pause from now on. */
  pauseMs: number;
  /** True when this 429 started a pause; false when it came within one (the same burst) and only extended it. */
  newPause: boolean;
}

/** What waits and runs in the budget now, summed over keys (metrics, read at scrape time). */
export interface BudgetStats {
  waiting: Record<CallPriority, number>;
  inFlight: number;
  /** Keys paused after a 429. */
  pausedKeys: number;
}

/** One call's place in line; it lives across the call's retries. */
export interface Ticket {
  /** Read when the call is picked: a shared GET takes the most urgent priority of its callers. */
  scope: CallScope;
  label: string;
  /** What is left of the call's `maxWaitMs`. */
  waitLeftMs: number;
}

export interface Permit {
  /** Frees the call's concurrency slot; call it once the attempt is over. */
  release(): void;
}

interface Waiter {
  ticket: Ticket;
  seq: number;
  since: number;
  resolve(permit: Permit): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
  stopListening(): void;
}

interface Lane {
  key: string;
  waiting: Waiter[];
  inFlight: number;
  /** Tokens taken from the store for a waiter that left meanwhile: the next waiter uses them. */
  spare: number;
  pumping: boolean;
  timer?: NodeJS.Timeout;
  /** The buckets as the store last described them (and when): what estimates are made from. */
  level?: { at: number; buckets: BucketLevel[] };
  /** Local copy of the pause after a 429, so a paused key costs the store nothing. */
  pausedUntil: number;
  rateLimitedInARow: number;
}

/** Longest pause after a run of 429s without Retry-After. */
const MAX_BACKOFF_MS = 60_000;
/** setTimeout's largest delay; a longer bound is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class OutboundBudget {
  private readonly lanes = new Map<string, Lane>();
  private readonly admitted = new WeakMap<object, number>();
  private seq = 0;
  private closed = false;
  /** Time one token takes to come back at the configured rate: the estimate's unit. */
  private readonly tokenIntervalMs: number;

  constructor(private readonly options: BudgetOptions) {
    this.tokenIntervalMs = Math.max(0, ...options.policy.buckets.map((b) => b.windowMs / b.limit));
  }

  /** Resolves when the call may be sent; rejects with RateLimitedError, or when its scope ends. */
  admit(ticket: Ticket): Promise<Permit> {
    const { scope } = ticket;
    if (this.closed) return Promise.reject(new UpstreamError('The BFF is shutting down.'));
    if (scope.signal?.aborted) return Promise.reject(cancelledError());
    const now = Date.now();
    if (now >= scope.deadline) return Promise.reject(deadlineError());
    const lane = this.lane(scope.key);
    const estimate = this.estimate(lane, ticket, now);
    if (estimate > Math.min(ticket.waitLeftMs, scope.deadline - now)) return Promise.reject(this.refusal(ticket, estimate));

    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { ticket, seq: this.seq++, since: now, resolve, reject, stopListening: () => {} };
      lane.waiting.push(waiter);
      waiter.stopListening = onAbort(scope.signal, () => this.leave(lane, waiter, cancelledError()));
      this.armTimer(lane, waiter);
      void this.pump(lane);
    });
  }

  /**
   * Twenty answered 429 for this key: pause it for `retryAfterMs` (the answer's Retry-After) or,
   * without one, for an exponential backoff with jitter, whichever is longer.
   */
  rateLimited(key: string, retryAfterMs: number | undefined): void {
    const lane = this.lane(key);
    const now = Date.now();
    let pauseMs: number;
    const newPause = lane.pausedUntil <= now;
    if (!newPause) {
      // Another call's 429 from the same burst: the pause is already on.
      pauseMs = Math.max(lane.pausedUntil - now, retryAfterMs ?? 0);
    } else {
      const ceiling = Math.min(MAX_BACKOFF_MS, this.options.rateLimitBackoffMs * 2 ** lane.rateLimitedInARow++);
      pauseMs = Math.max(retryAfterMs ?? 0, ceiling / 2 + Math.random() * (ceiling / 2));
    }
    lane.pausedUntil = now + pauseMs;
    lane.level = undefined;
    lane.spare = 0;
    notify(this.options.onRateLimited, { key, pauseMs, newPause });
    void this.options.store.penalize(key, pauseMs, this.options.policy).catch(() => {});
    this.refuseHopeless(lane);
    this.wakeAt(lane, pauseMs);
  }

  /** Twenty answered this key with something other than 429: the backoff starts over. */
  answered(key: string): void {
    const lane = this.lanes.get(key);
    if (lane) lane.rateLimitedInARow = 0;
  }

  stats(): BudgetStats {
    const now = Date.now();
    const stats: BudgetStats = { waiting: { interactive: 0, report: 0, feed: 0 }, inFlight: 0, pausedKeys: 0 };
    for (const lane of this.lanes.values()) {
      for (const waiter of lane.waiting) stats.waiting[waiter.ticket.scope.priority] += 1;
      stats.inFlight += lane.inFlight;
      if (lane.pausedUntil > now) stats.pausedKeys += 1;
    }
    return stats;
  }

  /** Rejects every waiting call and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      for (const waiter of [...lane.waiting]) this.leave(lane, waiter, new UpstreamError('The BFF is shutting down.'));
    }
    this.lanes.clear();
    await this.options.store.close();
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, waiting: [], inFlight: 0, spare: 0, pumping: false, pausedUntil: 0, rateLimitedInARow: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Admits waiters while both a slot and a token are at hand; otherwise sleeps until one may be. */
  private async pump(lane: Lane): Promise<void> {
    if (lane.pumping || this.closed) return;
    lane.pumping = true;
    try {
      while (lane.waiting.length > 0 && lane.inFlight < this.options.concurrencyPerKey) {
        if (lane.spare === 0) {
          const now = Date.now();
          if (lane.pausedUntil > now) {
            this.wakeAt(lane, lane.pausedUntil - now);
            break;
          }
          const result = await this.options.store.take(lane.key, this.options.policy);
          const at = Date.now();
          // A pause set by another instance (Redis) is learned here.
          if (result.paused) lane.pausedUntil = Math.max(lane.pausedUntil, at + result.waitMs);
          lane.level = result.paused ? undefined : { at, buckets: result.levels };
          if (!result.granted) {
            this.refuseHopeless(lane);
            this.wakeAt(lane, result.waitMs);
            break;
          }
          lane.spare++;
          // Picked only now, after the await: calls that arrived meanwhile compete too.
          if (lane.waiting.length === 0) break;
        }
        lane.spare--;
        this.grant(lane, this.pick(lane));
      }
    } finally {
      lane.pumping = false;
      this.dropIfIdle(lane);
    }
  }

  private pick(lane: Lane): Waiter {
    let best = lane.waiting[0];
    let bestOrder = this.order(best);
    for (const waiter of lane.waiting) {
      const order = this.order(waiter);
      if (order[0] < bestOrder[0] || (order[0] === bestOrder[0] && (order[1] < bestOrder[1] || (order[1] === bestOrder[1] && order[2] < bestOrder[2])))) {
        best = waiter;
        bestOrder = order;
      }
    }
    return best;
  }

  private order(waiter: Waiter): [number, number, number] {
    const { scope } = waiter.ticket;
    return [PRIORITY_RANK[scope.priority], this.admitted.get(scope.operation) ?? 0, waiter.seq];
  }

  private grant(lane: Lane, waiter: Waiter): void {
    this.remove(lane, waiter);
    const { scope } = waiter.ticket;
    const waitedMs = Date.now() - waiter.since;
    waiter.ticket.waitLeftMs -= waitedMs;
    this.admitted.set(scope.operation, (this.admitted.get(scope.operation) ?? 0) + 1);
    lane.inFlight++;
    let released = false;
    waiter.resolve({
      release: () => {
        if (released) return;
        released = true;
        lane.inFlight--;
        void this.pump(lane);
      },
    });
    notify(this.options.onAdmit, { key: scope.key, priority: scope.priority, label: waiter.ticket.label, waitedMs });
  }

  /** The RateLimitedError a refused call gets; observers are told. */
  private refusal(ticket: Ticket, estimate: number): RateLimitedError {
    const error = rateLimited(estimate);
    notify(this.options.onRefuse, { key: ticket.scope.key, priority: ticket.scope.priority, retryAfterMs: error.details.retryAfterMs as number });
    return error;
  }

  /** Fires when the waiter's wait bound or deadline comes (re-armed if a shared call's deadline moved). */
  private armTimer(lane: Lane, waiter: Waiter): void {
    const { ticket } = waiter;
    waiter.timer = setTimeout(() => {
      if (waitBound(waiter) > Date.now()) return this.armTimer(lane, waiter);
      const estimate = this.estimate(lane, ticket, Date.now());
      // Held up by the key's calls in flight rather than by the budget: Twenty is slow, not the budget.
      const slotBound = estimate === 0 && lane.inFlight >= this.options.concurrencyPerKey;
      this.leave(
        lane,
        waiter,
        slotBound ? new UpstreamError(`Twenty has not answered this workspace's ${lane.inFlight} calls in flight in time.`) : this.refusal(ticket, estimate),
      );
    }, Math.min(MAX_TIMER_MS, Math.max(0, waitBound(waiter) - Date.now())));
  }

  /** Waiters whose turn certainly comes after their bound leave now rather than at their bound. */
  private refuseHopeless(lane: Lane): void {
    const now = Date.now();
    for (const waiter of [...lane.waiting]) {
      const { ticket } = waiter;
      const estimate = this.estimate(lane, ticket, now);
      if (estimate > waitBound(waiter) - now) this.leave(lane, waiter, this.refusal(ticket, estimate));
    }
  }

  private leave(lane: Lane, waiter: Waiter, error: Error): void {
    if (!this.remove(lane, waiter)) return;
    waiter.reject(error);
    this.dropIfIdle(lane);
  }

  private remove(lane: Lane, waiter: Waiter): boolean {
    const index = lane.waiting.indexOf(waiter);
    if (index < 0) return false;
    lane.waiting.splice(index, 1);
    clearTimeout(waiter.timer);
    waiter.stopListening();
    return true;
  }

  /**
   * A lower bound on how long `ticket` will wait: until the buckets, as last described by the
   * store and refilled since, hold a token for it and for every call certain to go first (more
   * urgent ones, and earlier ones of its own operation). During a pause: the pause, then one
   * token interval per call. 0 when nothing is known yet.
   */
  private estimate(lane: Lane, ticket: Ticket, now: number): number {
    const rank = PRIORITY_RANK[ticket.scope.priority];
    // Not yet queued (a call being admitted): after every waiter of its operation.
    const mine = lane.waiting.find((w) => w.ticket === ticket)?.seq ?? Infinity;
    let calls = 1 - lane.spare;
    for (const w of lane.waiting) {
      if (w.ticket === ticket) continue;
      if (PRIORITY_RANK[w.ticket.scope.priority] < rank || (w.ticket.scope.operation === ticket.scope.operation && w.seq < mine)) calls++;
    }
    if (calls <= 0) return 0;
    const paused = lane.pausedUntil - now;
    if (paused > 0) return Math.ceil(paused + calls * this.tokenIntervalMs);
    if (!lane.level) return 0;
    let wait = 0;
    for (const bucket of lane.level.buckets) {
      const spare = bucket.spare + (now - lane.level.at) * bucket.rate;
      wait = Math.max(wait, (calls - spare) / bucket.rate);
    }
    return Math.max(0, Math.ceil(wait));
  }

  private wakeAt(lane: Lane, ms: number): void {
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      void this.pump(lane);
    }, Math.max(1, ms));
  }

  /** Forgets a lane with nothing in it, so idle keys cost no memory. */
  private dropIfIdle(lane: Lane): void {
    if (lane.waiting.length > 0 || lane.inFlight > 0 || lane.pumping || lane.pausedUntil > Date.now()) return;
    clearTimeout(lane.timer);
    if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
  }
}

/** When a waiter must leave: its wait bound (`maxWaitMs` over its retries) or its deadline, the sooner. */
function waitBound(waiter: Waiter): number {
  return Math.min(waiter.since + waiter.ticket.waitLeftMs, waiter.ticket.scope.deadline);
}

function rateLimited(retryAfterMs: number): RateLimitedError {
  const ms = Math.max(1, Math.ceil(retryAfterMs));
  return new RateLimitedError(`The workspace's budget of calls to Twenty is spent; try again in ${ms} ms.`, {
    retryAfterMs: ms,
    retryAfterSeconds: Math.ceil(ms / 1000),
  });
}
