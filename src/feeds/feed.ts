/**
 * One feed as one instance sees it: its members here, and its poller while this instance holds
 * the feed's lease (always, in memory). Polls run one at a time, one interval after the last ended
 * (so a budget that makes calls wait slows polls down), or at once when a webhook wakes the feed.
 */
import { BffError, RateLimitedError, UpstreamError } from '../errors.js';
import type { ConnectionScope } from '../context.js';
import type { ObjectPlural, TwentyClient } from '../twenty/types.js';
import type { FeedWake } from './backend.js';
import { errorOf, isFailure, type ChangeDraft, type FeedFailure, type FeedMessage } from './events.js';
import type { FeedHub, FeedObserver, FeedStats, Membership } from './hub.js';
import { notify } from '../hooks.js';
import { applyPoll, pollChanges, readBaseline, type FeedState } from './poller.js';

/** Polls are the workspace budget's least urgent calls; this is the one place that says so. */
const feedClient = (connection: ConnectionScope, onCall: () => void): TwentyClient => connection.clientFor({ priority: 'feed', onCall });

/** A reconciliation (looking for hard deletes) every this many intervals. */
export const RECONCILE_EVERY = 5;
/** After failures the interval doubles, up to this factor: a short budget slows polls down. */
const MAX_BACKOFF = 8;
/** A follower not yet ready looks for the holder's state this often. */
const READY_CHECK_MS = 50;

type Listener = (message: FeedMessage) => void;

/** What a poll did: the events it published, and whether it was the first read of every row. */
interface Polled {
  events: readonly ChangeDraft[];
  baseline: boolean;
}

interface Member {
  connection: ConnectionScope;
  listeners: Set<Listener>;
}

export class Feed {
  private readonly members = new Set<Member>();
  private joins = 0;
  private client?: { member: Member; client: TwentyClient };
  private state?: FeedState;
  private holding = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private forgetTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private failures = 0;
  private lastReconcile = 0;
  private readonly checkIds = new Set<string>();
  /** Workspace ids named by webhooks since the last poll, with the records they named. */
  private readonly candidates = new Map<string, Set<string>>();
  /** The Twenty workspace this key reads, once a webhook's record was found by a poll. */
  private workspaceId?: string;
  private gate = new Gate();
  private unlisten?: () => void;
  /** HTTP attempts of this feed's polls (the observer's counts). */
  private calls = 0;
  /** The failure episode under way: since when, and how many attempts failed. */
  private trouble?: { since: number; failures: number; error: unknown };

  constructor(
    private readonly name: string,
    readonly object: ObjectPlural,
    private readonly hub: FeedHub,
    private readonly forget: () => void,
  ) {}

  private get interval(): number {
    return this.hub.options.pollIntervalMs;
  }

  /** A lease lives one interval (and at least 250 ms): a dead holder is replaced within about 1.5 intervals. */
  private get leaseMs(): number {
    return Math.max(250, this.interval);
  }

  join(connection: ConnectionScope): Membership {
    const member: Member = { connection, listeners: new Set() };
    this.members.add(member);
    this.joins += 1;
    if (this.members.size === 1) this.start();
    let left = false;
    return {
      ready: this.gate.wait(),
      listen: (listener) => {
        member.listeners.add(listener);
        return () => member.listeners.delete(listener);
      },
      replay: (eventId) => this.hub.backend.replay(this.name, eventId),
      leave: () => {
        if (left) return;
        left = true;
        this.members.delete(member);
        if (this.client?.member === member) this.client = undefined;
        if (this.members.size === 0) this.stop();
      },
    };
  }

  wake(wake: FeedWake): void {
    if (wake.object !== this.object || !this.holding || this.stopped) return;
    if (this.workspaceId !== undefined && this.workspaceId !== wake.workspaceId) return;
    let ids = this.candidates.get(wake.workspaceId);
    if (!ids) this.candidates.set(wake.workspaceId, (ids = new Set()));
    ids.add(wake.recordId);
    if (wake.destroyed) this.checkIds.add(wake.recordId);
    this.schedule(0);
  }

  stats(): FeedStats {
    return {
      object: this.object,
      members: this.members.size,
      joins: this.joins,
      polling: this.holding && !this.stopped,
      ready: this.gate.open,
      rows: this.state?.snapshots.size ?? 0,
      failing: this.trouble !== undefined,
    };
  }

  async close(): Promise<void> {
    this.members.clear();
    this.stop();
    clearTimeout(this.forgetTimer);
    await this.running;
  }

  private start(): void {
    this.stopped = false;
    clearTimeout(this.forgetTimer);
    this.unlisten ??= this.hub.backend.listen(this.name, (message) => this.dispatch(message));
    this.schedule(0);
  }

  private stop(): void {
    this.stopped = true;
    this.endTrouble(true);
    clearTimeout(this.timer);
    this.unlisten?.();
    this.unlisten = undefined;
    if (this.holding) {
      // Memory keeps the state (and the log) for the replay window, so a subscriber that comes
      // back resumes where it left; a shared backend keeps it in Redis for whoever polls next.
      this.lose();
      this.hub.backend.release(this.name).catch(() => {});
    }
    this.gate = this.gate.open ? new Gate() : this.gate;
    this.forgetTimer = setTimeout(() => {
      if (this.members.size > 0) return;
      this.forget();
      this.hub.backend.forget?.(this.name);
    }, this.hub.backend.shared ? 0 : this.hub.options.replayWindowMs);
    this.forgetTimer.unref();
  }

  private dispatch(message: FeedMessage): void {
    if (isFailure(message)) this.gate.fail(errorOf(message));
    for (const member of [...this.members]) for (const listener of [...member.listeners]) listener(message);
  }

  /** Runs a tick after `delayMs`; a tick asked for while one runs runs again right after it. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      if (delayMs === 0) this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const run = this.tick();
      this.running = run.then(
        (next) => {
          this.running = undefined;
          const again = this.again;
          this.again = false;
          if (again) this.schedule(0);
          else if (next !== undefined) this.schedule(next);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** One step: poll (holder), or try the lease and wait for a ready state (follower). Resolves with the delay to the next. */
  private async tick(): Promise<number | undefined> {
    if (this.stopped) return undefined;
    try {
      let next: number;
      if (!this.holding && (await this.hub.backend.acquire(this.name, this.leaseMs))) this.hold();
      if (this.holding) {
        await this.observedPoll();
        next = this.interval;
      } else {
        if (!this.gate.open && (await this.hub.backend.hasState(this.name))) this.gate.pass();
        next = this.gate.open ? this.leaseMs / 2 : READY_CHECK_MS;
      }
      this.failures = 0;
      this.endTrouble(false);
      return next;
    } catch (error) {
      this.failures += 1;
      if (isFinal(error)) {
        // Every member is told and ends; one joining meanwhile waits for the next attempt.
        await this.fail(error);
        this.gate = new Gate();
      } else {
        this.troubled(error);
        if (!this.gate.open) this.gate.fail(error);
      }
      return this.interval * Math.min(2 ** this.failures, MAX_BACKOFF);
    }
  }

  /** A poll, reported to the observer with its outcome, calls, events and time. */
  private async observedPoll(): Promise<void> {
    const started = performance.now();
    const calls = this.calls;
    let done: Polled = { events: [], baseline: this.state === undefined };
    let outcome: 'ok' | 'error' = 'error';
    try {
      done = await this.poll();
      outcome = 'ok';
    } finally {
      const { events, baseline } = done;
      const ms = performance.now() - started;
      this.observe((o) => o.onPoll?.({ object: this.object, outcome, baseline, calls: this.calls - calls, events, ms }));
    }
  }

  /** A failure to retry later: the first of an episode is reported, the others counted. */
  private troubled(error: unknown): void {
    if (this.trouble) {
      this.trouble.failures += 1;
      return;
    }
    this.trouble = { since: Date.now(), failures: 1, error };
    this.observe((o) => o.onFailing?.({ object: this.object, key: this.keyPrefix, error, failures: 1, ms: 0 }));
  }

  /** The feed works again (or stops): the episode, if any, is reported over. */
  private endTrouble(stopped: boolean): void {
    const trouble = this.trouble;
    if (!trouble) return;
    this.trouble = undefined;
    const { error, failures, since } = trouble;
    this.observe((o) => o.onRecovered?.({ object: this.object, key: this.keyPrefix, error, failures, ms: Date.now() - since, stopped }));
  }

  private get keyPrefix(): string {
    return this.name.slice(0, 8);
  }

  private observe(tell: (observer: FeedObserver) => void): void {
    const { observer } = this.hub.options;
    if (observer) notify(tell, observer);
  }

  private hold(): void {
    this.holding = true;
    clearInterval(this.renewTimer);
    if (!this.hub.backend.shared) return;
    this.renewTimer = setInterval(() => {
      this.hub.backend.renew(this.name, this.leaseMs).then(
        (held) => held || this.lose(),
        () => {},
      );
    }, this.leaseMs / 3);
    this.renewTimer.unref();
  }

  /** Another instance polls now (or this one stopped): with a shared backend its copies may fall behind, so they are dropped. */
  private lose(): void {
    this.holding = false;
    clearInterval(this.renewTimer);
    if (this.hub.backend.shared) this.state = undefined;
  }

  private pollClient(): TwentyClient {
    if (!this.client) {
      const member = this.members.values().next().value as Member;
      this.client = { member, client: feedClient(member.connection, () => (this.calls += 1)) };
    }
    return this.client.client;
  }

  private async poll(): Promise<Polled> {
    const client = this.pollClient();
    const backend = this.hub.backend;
    if (!this.state) {
      const saved = await backend.loadState(this.name);
      if (saved) {
        this.state = saved;
      } else {
        const baseline = await readBaseline(client, this.object);
        if (!(await backend.commit(this.name, [], { changed: new Map(baseline.snapshots), watermark: baseline.watermark, baseline: true }))) {
          this.lose();
          return { events: [], baseline: true };
        }
        this.state = baseline;
        this.lastReconcile = Date.now();
        this.gate.pass();
        return { events: [], baseline: true };
      }
    }
    const reconcile = Date.now() - this.lastReconcile >= RECONCILE_EVERY * this.interval;
    const checkIds = [...this.checkIds];
    this.checkIds.clear();
    const candidates = [...this.candidates];
    this.candidates.clear();
    const result = await pollChanges(client, this.object, this.state, { reconcile, checkIds });
    if (result.drafts.length > 0 || result.changed.size > 0 || result.watermark !== this.state.watermark) {
      if (!(await backend.commit(this.name, result.drafts, result))) {
        this.lose();
        return { events: [], baseline: false };
      }
    }
    applyPoll(this.state, result);
    if (reconcile) this.lastReconcile = Date.now();
    for (const [workspaceId, ids] of candidates) if ([...ids].some((id) => result.seenIds.has(id))) this.workspaceId = workspaceId;
    this.gate.pass();
    return { events: result.drafts, baseline: false };
  }

  /** The key was refused (or the object is gone): every subscriber of the feed, on every instance, is told. */
  private async fail(error: BffError): Promise<void> {
    const failure: FeedFailure = { error: { code: error.code, message: error.message } };
    this.gate.fail(error);
    await this.hub.backend.fail(this.name, failure).catch(() => this.dispatch(failure));
  }
}

/** Errors retrying cannot fix: the key is refused, the object does not exist, the server refuses the query. */
function isFinal(error: unknown): error is BffError {
  return error instanceof BffError && !(error instanceof UpstreamError) && !(error instanceof RateLimitedError);
}

/** A promise many can wait on, passed once the feed is ready, failed (and renewed) when it cannot start. */
class Gate {
  open = false;
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  wait(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  pass(): void {
    this.open = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  /** Fails the current waiters; later ones wait for the next attempt. */
  fail(error: unknown): void {
    if (this.open) return;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
