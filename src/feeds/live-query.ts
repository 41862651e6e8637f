/**
 * A live query: a report-like function whose result is sent at once, then again only when it
 * changes. It re-runs, with fresh loaders, after changes of the objects it reads arrive on their
 * feeds for the caller's key (gathered for `debounceMs`, so a burst costs one run), and its subscribers with the
 * same key and query share each run: a hundred open dashboards cost one report per change.
 * `pipelineUpdated` (src/reports/live.ts) is one: its field's `subscribe` returns `liveQuery(…)`,
 * its `resolve` throws a delivery's failure, calls `beginFreshExecution` and returns the value.
 */
import { FixedBuffer, Repeater } from 'graphql-yoga';
import { beginExecution, createExecutionScope, type ConnectionScope, type RequestContext } from '../context.js';
import type { ObjectPlural } from '../twenty/types.js';
import { canonical, errorOf, isFailure } from './events.js';
import type { FeedHub, Membership } from './hub.js';

export interface LiveQueryOptions<T> {
  /** The subscriber's connection: its key, and the app's feeds. */
  connection: ConnectionScope;
  /** The objects whose changes may change the result. */
  objects: readonly ObjectPlural[];
  /** Names the query among those of one key (its arguments, as JSON): equal keys share their runs. */
  key: string;
  /** Computes the result; `scope` is the connection with new loaders and a client at report priority. */
  run: (scope: RequestContext) => Promise<T>;
  /**
   * Before each run, with the objects that changed: drop what caches them (report caches). The
   * first run gets every object: what changed before the feeds were ready is not known.
   */
  invalidate?: (objects: ObjectPlural[]) => void | Promise<void>;
  /** How long a re-run waits after the first change for more to join it. @default 250 */
  debounceMs?: number;
}

/** What a live query's stream yields: a result, or the failure that ends it (throw it in `resolve`). */
export type LiveDelivery<T> = { value: T } | { failure: Error };

/** Starts a new execution for a live query's value (new loaders for the fields below it). */
export function beginFreshExecution(context: RequestContext): void {
  // A fresh client too: the subscription's own is bound to the deadline of the request that opened it.
  beginExecution(context, createExecutionScope({ client: context.clientFor({ priority: 'report' }) }));
}

const runs = new WeakMap<FeedHub, Map<string, LiveRun<unknown>>>();

/**
 * Joins (or starts) the shared run of this key and query. Resolves once the first result is
 * known, and rejects if it cannot be computed, so a failing start is the subscription's error.
 */
export async function liveQuery<T>(options: LiveQueryOptions<T>): Promise<AsyncIterable<LiveDelivery<T>>> {
  const hub = options.connection.feeds;
  if (!hub) throw new Error('Live queries need the app’s feeds in the context.');
  let byKey = runs.get(hub);
  if (!byKey) runs.set(hub, (byKey = new Map()));
  const name = `${options.connection.tokenKey}\u0000${options.key}`;
  let run = byKey.get(name) as LiveRun<T> | undefined;
  if (!run) {
    const created = new LiveRun<T>(hub, options, () => byKey.delete(name));
    byKey.set(name, created as LiveRun<unknown>);
    run = created;
  }
  const listener = new Listener<T>();
  run.add(listener);
  try {
    await run.first;
  } catch (error) {
    run.remove(listener);
    throw error;
  }
  const shared = run;
  return new Repeater<LiveDelivery<T>>(async (push, stop) => {
    listener.attach(push, stop);
    await stop;
    shared.remove(listener);
  }, new FixedBuffer(100));
}

/** One subscriber: deliveries wait here until its stream starts. */
class Listener<T> {
  private early: Array<LiveDelivery<T>> = [];
  private push?: (delivery: LiveDelivery<T>) => void;
  private stop?: () => void;

  deliver(delivery: LiveDelivery<T>): void {
    if (!this.push) {
      this.early.push(delivery);
      return;
    }
    try {
      this.push(delivery);
    } catch {
      // Too far behind: this subscriber ends; it gets the current result again when it comes back.
      this.stop?.();
      return;
    }
    if ('failure' in delivery) this.stop?.();
  }

  attach(push: (delivery: LiveDelivery<T>) => Promise<unknown>, stop: () => void): void {
    this.push = (delivery) => void push(delivery).catch(() => {});
    this.stop = stop;
    for (const delivery of this.early.splice(0)) this.deliver(delivery);
  }
}

class LiveRun<T> {
  readonly first: Promise<void>;
  private readonly listeners = new Set<Listener<T>>();
  private readonly memberships: Membership[];
  private readonly unlisten: Array<() => void>;
  private readonly changed = new Set<ObjectPlural>();
  private current?: { value: T; text: string };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private ended = false;

  constructor(
    hub: FeedHub,
    private readonly options: LiveQueryOptions<T>,
    private readonly forget: () => void,
  ) {
    this.memberships = options.objects.map((object) => hub.join(options.connection, object));
    this.unlisten = this.memberships.map((membership, index) =>
      membership.listen((message) => {
        if (isFailure(message)) this.end(errorOf(message));
        else this.touch(options.objects[index]);
      }),
    );
    // Feeds first: a change made after they are ready is never missed by the first run.
    this.first = Promise.all(this.memberships.map((membership) => membership.ready)).then(() => this.rerun(true));
    this.first.catch((error: unknown) => this.end(error instanceof Error ? error : new Error(String(error))));
  }

  add(listener: Listener<T>): void {
    this.listeners.add(listener);
    if (this.current) listener.deliver({ value: this.current.value });
  }

  remove(listener: Listener<T>): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.end();
  }

  /**
   * The first change arms the timer and later ones join its run: restarting it on every change
   * would put the run off for as long as changes keep coming (a busy workspace with webhooks).
   */
  private touch(object: ObjectPlural): void {
    this.changed.add(object);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.rerun(false);
    }, this.options.debounceMs ?? 250);
    this.timer.unref();
  }

  /** Runs the query (one at a time; a change during a run runs it again after) and sends a result that differs. */
  private async rerun(first: boolean): Promise<void> {
    if (this.ended) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const changed = first ? [...this.options.objects] : [...this.changed];
    this.changed.clear();
    this.running = (async () => {
      if (changed.length > 0) await this.options.invalidate?.(changed);
      const { connection } = this.options;
      // A re-run is nobody's click: it waits behind interactive queries in the workspace's budget.
      const client = connection.clientFor({ priority: 'report' });
      const value = await this.options.run({ ...connection, client, ...createExecutionScope({ client }), planning: {} });
      const text = canonical(value);
      if (text === this.current?.text) return;
      this.current = { value, text };
      for (const listener of [...this.listeners]) listener.deliver({ value });
    })();
    try {
      await this.running;
    } catch (error) {
      if (first) throw error;
      // A failed re-run keeps the last result; the next change tries again.
    } finally {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.rerun(false);
      }
    }
  }

  private end(failure?: Error): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    for (const stop of this.unlisten) stop();
    for (const membership of this.memberships) membership.leave();
    this.forget();
    if (failure) for (const listener of [...this.listeners]) listener.deliver({ failure });
  }
}
