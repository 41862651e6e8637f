/**
 * Identical GETs in flight for one workspace key are made once: a GET of the same path by the
 * same key joins the call already under way, however many operations ask. Never across keys:
 * the key is part of what must match, and it hashes the token (workspace-key.ts).
 *
 * Each caller keeps its own terms: it stops waiting when its own signal aborts or its deadline
 * passes, while the call goes on for the others. The call runs under a merged scope: the most
 * urgent priority and the latest deadline of the callers still waiting, and a signal that aborts
 * only when all of them have left.
 *
 * Reads after writes: a write of the key makes the GETs in flight unjoinable (at its start and at
 * its end), so a read that follows a write never gets an answer that may predate it.
 */
import { type CallPriority, type CallScope, PRIORITY_RANK, within } from './scope.js';

interface Flight<T> {
  key: string;
  path: string;
  promise: Promise<T>;
  callers: Set<CallScope>;
  controller: AbortController;
}

export class InFlightGets<T> {
  private readonly byKey = new Map<string, Map<string, Flight<T>>>();

  /**
   * `start` runs once per distinct (key, path) in flight, under the merged scope of its callers;
   * `joined` is told when this caller joins a call already in flight (a call saved: metrics).
   */
  run(path: string, scope: CallScope, start: (shared: CallScope) => Promise<T>, joined?: () => void): Promise<T> {
    let paths = this.byKey.get(scope.key);
    let flight = paths?.get(path);
    if (!flight) {
      flight = this.begin(path, scope, start);
      if (!paths) this.byKey.set(scope.key, (paths = new Map()));
      paths.set(path, flight);
    } else {
      joined?.();
    }
    return this.join(flight, scope);
  }

  /** A write of `key` begins or ends: later GETs start afresh. */
  invalidate(key: string): void {
    this.byKey.delete(key);
  }

  private begin(path: string, first: CallScope, start: (shared: CallScope) => Promise<T>): Flight<T> {
    const callers = new Set<CallScope>([first]);
    const controller = new AbortController();
    const shared: CallScope = {
      key: first.key,
      operation: first.operation,
      signal: controller.signal,
      get priority(): CallPriority {
        let best: CallPriority = 'feed';
        for (const caller of callers) if (PRIORITY_RANK[caller.priority] < PRIORITY_RANK[best]) best = caller.priority;
        return best;
      },
      get deadline(): number {
        let latest = -Infinity;
        for (const caller of callers) latest = Math.max(latest, caller.deadline);
        return latest;
      },
    };
    const flight: Flight<T> = { key: first.key, path, promise: Promise.resolve(undefined as T), callers, controller };
    // Callers were added before start() runs, so its first reads of the shared scope see them.
    flight.promise = start(shared).finally(() => this.forget(flight));
    flight.promise.catch(() => {}); // each caller handles the rejection through join()
    return flight;
  }

  private join(flight: Flight<T>, scope: CallScope): Promise<T> {
    flight.callers.add(scope);
    const leave = () => {
      flight.callers.delete(scope);
      if (flight.callers.size > 0) return;
      // Nobody waits any more: stop the call, and let a later caller start a fresh one.
      this.forget(flight);
      flight.controller.abort();
    };
    return within(flight.promise, scope).then(
      (value) => {
        flight.callers.delete(scope);
        return value;
      },
      (error: unknown) => {
        leave();
        throw error;
      },
    );
  }

  private forget(flight: Flight<T>): void {
    const paths = this.byKey.get(flight.key);
    if (paths?.get(flight.path) !== flight) return;
    paths.delete(flight.path);
    if (paths.size === 0) this.byKey.delete(flight.key);
  }
}
