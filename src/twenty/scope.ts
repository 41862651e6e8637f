/**
 * What every outbound call carries below the client: whose budget it spends, how urgent it is,
 * which operation it belongs to (for fair share), and when it must stop (the caller's signal and
 * the operation's deadline). The client builds one per call from how it was bound.
 */
import { CancelledError, UpstreamError } from '../errors.js';

/** Queue classes of a call in its workspace's budget, most urgent first. */
export const CALL_PRIORITIES = ['interactive', 'report', 'feed'] as const;

export type CallPriority = (typeof CALL_PRIORITIES)[number];

export const PRIORITY_RANK: Readonly<Record<CallPriority, number>> = { interactive: 0, report: 1, feed: 2 };

export interface CallScope {
  /** The workspace key (`workspaceKey(baseUrl, token)`): budget, concurrency and coalescing are per key. */
  readonly key: string;
  readonly priority: CallPriority;
  /** Identity of the operation (the bound client): calls of one operation share one fair share. */
  readonly operation: object;
  /** The caller's signal: when it aborts, queued calls leave, attempts are aborted, retries stop. */
  readonly signal?: AbortSignal;
  /** Epoch ms after which nothing more is started or awaited for this call. */
  readonly deadline: number;
}

export const cancelledError = () => new CancelledError('The caller went away; its calls to Twenty were stopped.');

export const deadlineError = () =>
  new UpstreamError("The operation's time for Twenty ran out before Twenty answered (the operation timeout).", { deadlineExceeded: true });

/** Throws if the scope is over: its caller left, or its deadline passed. */
export function checkScope(scope: CallScope, now = Date.now()): void {
  if (scope.signal?.aborted) throw cancelledError();
  if (now >= scope.deadline) throw deadlineError();
}

/** Runs `onAbort` once if the signal aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Waits `ms`, or rejects as soon as the scope's caller leaves. */
export function sleep(ms: number, scope?: Pick<CallScope, 'signal'>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
    const stop = onAbort(scope?.signal, () => {
      clearTimeout(timer);
      reject(cancelledError());
    });
  });
}

/**
 * The promise's outcome, unless this caller leaves or passes its deadline first. Used where one
 * piece of work serves several callers (a coalesced GET): each stops waiting on its own terms
 * while the work goes on for the others.
 */
export function within<T>(promise: Promise<T>, scope: CallScope): Promise<T> {
  if (scope.signal?.aborted) return Promise.reject(cancelledError());
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      stop();
    };
    const stop = onAbort(scope.signal, () => {
      done();
      reject(cancelledError());
    });
    if (Number.isFinite(scope.deadline)) {
      timer = setTimeout(() => {
        done();
        reject(deadlineError());
      }, Math.max(0, scope.deadline - Date.now()));
    }
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
