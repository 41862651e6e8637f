/**
 * The only code in the BFF that speaks HTTP to Twenty. Every call goes through one pipeline,
 * composed here once (STYLE practice 7); resolvers and loaders know none of it:
 *
 *   coalescing (identical GETs of one key in flight are made once: coalesce.ts)
 *     → retries (the policy below)
 *       → the workspace's budget (a token of Twenty's rate and a concurrency slot: budget/)
 *         → one attempt on the undici pool, bounded by the attempt timeout and the deadline
 *
 * Every stage honours the call's scope (scope.ts): when the caller's signal aborts, it leaves the
 * queue, its attempt is aborted and no retry follows; nothing starts or waits past its deadline.
 *
 * Retry policy (twenty-rest.md §9, STYLE practice 7):
 * - 429 (any method): Twenty refuses before doing any work, so the call goes back to the budget,
 *   which pauses the key (for `Retry-After`, or with exponential backoff and jitter when none is
 *   given) and empties its buckets. It is not counted against `maxRetries`; it is bounded by
 *   the budget's longest wait and by the deadline, and then fails with RateLimitedError.
 * - GET is retried on 502, 503, 504, network errors, timeouts and unreadable JSON, up to
 *   `maxRetries` times, with exponential backoff and jitter.
 * - POST/PATCH/DELETE are otherwise retried only when the failure proves the request never left:
 *   the connection was refused, the host did not resolve, or connecting timed out. Any answer
 *   from Twenty, a reset or a timeout after sending may mean the write happened, so it is reported.
 * - 500 is not retried: Twenty's 500s are deterministic server bugs, retrying spends budget.
 * - 402 (credits spent) and 413 (too large) are final: CreditsExhaustedError, BadUserInputError.
 */
import { Pool } from 'undici';
import { BadUserInputError, BffError, CancelledError, UpstreamError } from '../errors.js';
import type { OutboundBudget, Ticket } from './budget/budget.js';
import { InFlightGets } from './coalesce.js';
import { type CallScope, cancelledError, checkScope, deadlineError, onAbort, sleep } from './scope.js';
import { readErrorMessages } from './shapes.js';
import type { UpstreamCallEvent, UpstreamFailureEvent } from './types.js';
import { errorForStatus, redact } from './upstream-errors.js';
import { notify } from '../hooks.js';

export interface HttpOptions {
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** Longest a call may wait for the budget in all (the budget enforces it; set on each ticket). */
  maxWaitMs: number;
  budget: OutboundBudget;
  onCall?: (event: UpstreamCallEvent) => void;
  /** Once per call that ends in an error, after its last attempt (logs: one line per failure, not per retry). */
  onFailure?: (event: UpstreamFailureEvent) => void;
  /** Once per GET that joined an identical one in flight instead of being sent (metrics). */
  onCoalesce?: (event: CoalesceEvent) => void;
}

export interface CoalesceEvent {
  /** The object plural, or `metadata`. */
  object: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/rest/`, query string included. */
  path: string;
  /** For events and messages: the object plural, or `metadata`. */
  object: string;
  token: string;
  body?: unknown;
  scope: CallScope;
  onCall?: (event: UpstreamCallEvent) => void;
}

export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** A final answer as the pipeline shares it: coalesced callers each get their own parse of `text`. */
interface SharedAnswer {
  status: number;
  text: string;
  body: unknown;
  handedOut: boolean;
}

/** What one attempt produced: an answer, or a failure before there was one. */
type Outcome =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; text: string; parsed: ParsedJson }
  | { kind: 'network_error' | 'timeout'; neverSent: boolean; cause: unknown }
  | { kind: 'deadline' }
  | { kind: 'cancelled' };

/** Room for the path within Node's default 16 KB request head, leaving space for headers. */
const MAX_PATH_CHARS = 15_000;
const RETRYABLE_GET_STATUS = new Set([502, 503, 504]);
/** Error codes that prove no byte of the request reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class Http {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly flights = new InFlightGets<SharedAnswer>();

  constructor(private readonly options: HttpOptions) {
    const url = new URL(options.baseUrl);
    // `https://host/rest` and `https://host` both mean the same server: paths below add `/rest`.
    this.prefix = url.pathname.replace(/\/+$/, '').replace(/\/rest$/, '');
    this.pool = new Pool(url.origin, {
      // No socket limit: the budget caps each workspace key (concurrencyPerKey) instead, so one
      // key's hung calls cannot take another's connections.
      connections: null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    });
  }

  /**
   * One unauthenticated GET without retries, for readiness: the status Twenty answered with, or
   * why there was no answer. Nothing of the body is kept.
   */
  async probe(path: string, timeoutMs: number): Promise<{ status: number } | { timedOut: true } | { unreachable: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: this.prefix + path,
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      await response.body.dump();
      return { status: response.statusCode };
    } catch (cause) {
      return controller.signal.aborted ? { timedOut: true } : { unreachable: errorCode(cause) ?? 'network error' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends through the pipeline; resolves with a 2xx/3xx answer or the mapped error. 404 resolves too. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    if (request.path.length > MAX_PATH_CHARS) {
      // Node (Twenty's server) refuses request heads over 16 KB with a bare 431; say why instead.
      throw new BadUserInputError(`The request to Twenty is too long (${request.path.length} characters); narrow the filter.`);
    }
    checkScope(request.scope);
    const { key } = request.scope;
    if (request.method === 'GET') {
      const answer = await this.flights.run(
        request.path,
        request.scope,
        (shared) => this.run({ ...request, scope: shared }),
        () => notify(this.options.onCoalesce, { object: request.object }),
      );
      return { status: answer.status, body: handOut(answer) };
    }
    this.flights.invalidate(key);
    try {
      const answer = await this.run(request);
      return { status: answer.status, body: answer.body };
    } finally {
      this.flights.invalidate(key);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Retries and budget around attempts; reports a final failure once to `onFailure`. */
  private async run(request: HttpRequest): Promise<SharedAnswer> {
    const ticket: Ticket = { scope: request.scope, label: `${request.method} ${request.path}`, waitLeftMs: this.options.maxWaitMs };
    const attempts: Array<UpstreamCallEvent['status']> = [];
    try {
      return await this.retrying(request, ticket, attempts);
    } catch (error) {
      if (error instanceof BffError && !(error instanceof CancelledError)) {
        notify(this.options.onFailure, { key: request.scope.key, priority: request.scope.priority, method: request.method, object: request.object, attempts, error });
      }
      throw error;
    }
  }

  private async retrying(request: HttpRequest, ticket: Ticket, attempts: Array<UpstreamCallEvent['status']>): Promise<SharedAnswer> {
    const { scope } = request;
    const { budget } = this.options;
    const isGet = request.method === 'GET';
    for (let retries = 0; ; ) {
      const permit = await budget.admit(ticket);
      const outcome = await this.attempt(request);
      // Told before the slot is freed, so that the key's 429 backoff outlives this call's slot.
      if (outcome.kind === 'answer' && outcome.status === 429) {
        budget.rateLimited(scope.key, retryAfterMs(outcome.headers, outcome.parsed.ok ? outcome.parsed.value : undefined));
      } else if (outcome.kind === 'answer') {
        budget.answered(scope.key);
      }
      permit.release();
      if (outcome.kind === 'cancelled') throw cancelledError();
      if (outcome.kind === 'deadline') throw deadlineError();
      attempts.push(outcome.kind === 'answer' ? outcome.status : outcome.kind);
      const last = retries >= this.options.maxRetries;

      if (outcome.kind !== 'answer') {
        const { cause, neverSent } = outcome;
        const message =
          outcome.kind === 'timeout'
            ? `Twenty did not answer within ${this.options.timeoutMs} ms (${request.method} ${request.object}).`
            : `Twenty could not be reached (${request.method} ${request.object}).`;
        const failure = () => redact(new UpstreamError(message, {}, { cause }), request.token);
        if ((isGet || neverSent) && !last) {
          await this.pauseBeforeRetry(retries++, scope, failure);
          continue;
        }
        throw failure();
      }

      const { status, text, parsed } = outcome;
      const body = parsed.ok ? parsed.value : undefined;
      // 429: the budget has paused the key; Twenty did no work, so the call simply asks again.
      if (status === 429) continue;
      // A 404 is an answer whatever its body (a proxy's HTML page included): callers decide.
      if (status === 404) return { status, text: parsed.ok ? text : '', body, handedOut: false };
      if (status < 400) {
        if (parsed.ok) return { status, text, body, handedOut: false };
        const unreadable = () => new UpstreamError(`Twenty answered ${request.method} ${request.object} with unreadable JSON.`);
        if (isGet && !last) {
          await this.pauseBeforeRetry(retries++, scope, unreadable);
          continue;
        }
        throw unreadable();
      }
      const error = () =>
        redact(errorForStatus({ method: request.method, object: request.object, status, messages: readErrorMessages(body) }), request.token);
      if (isGet && RETRYABLE_GET_STATUS.has(status) && !last) {
        await this.pauseBeforeRetry(retries++, scope, error);
        continue;
      }
      throw error();
    }
  }

  /**
   * Exponential backoff with "equal jitter" (half fixed, half random, so waits never collapse to
   * zero). A wait that would end past the deadline is not slept: the failure is reported now.
   */
  private async pauseBeforeRetry(retry: number, scope: CallScope, failure: () => Error): Promise<void> {
    const ceiling = this.options.retryBaseMs * 2 ** retry;
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    if (Date.now() + wait >= scope.deadline) throw failure();
    await sleep(wait, scope);
  }

  private async attempt(request: HttpRequest): Promise<Outcome> {
    const { scope } = request;
    const started = performance.now();
    const remaining = scope.deadline - Date.now();
    if (scope.signal?.aborted) return { kind: 'cancelled' };
    if (remaining <= 0) return { kind: 'deadline' };
    // The attempt's own timeout, or what is left of the operation's time if that is shorter.
    const deadlineBound = remaining < this.options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.min(this.options.timeoutMs, remaining));
    const stopListening = onAbort(scope.signal, () => controller.abort());
    let outcome: Outcome;
    try {
      const response = await this.pool.request({
        method: request.method,
        path: this.prefix + request.path,
        headers: {
          authorization: `Bearer ${request.token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      const text = await response.body.text();
      outcome = { kind: 'answer', status: response.statusCode, headers: response.headers, text, parsed: parseJson(text) };
    } catch (cause) {
      if (scope.signal?.aborted) outcome = { kind: 'cancelled' };
      else if (controller.signal.aborted && deadlineBound) outcome = { kind: 'deadline' };
      else {
        const code = errorCode(cause);
        const timedOut = controller.signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code));
        outcome = { kind: timedOut ? 'timeout' : 'network_error', neverSent: code !== undefined && NOT_SENT_CODES.has(code), cause };
      }
    } finally {
      clearTimeout(timer);
      stopListening();
    }
    const event: UpstreamCallEvent = {
      method: request.method,
      object: request.object,
      status: outcome.kind === 'answer' ? outcome.status : outcome.kind === 'deadline' ? 'timeout' : outcome.kind,
      ms: performance.now() - started,
    };
    notify(this.options.onCall, event);
    notify(request.onCall, event);
    return outcome;
  }
}

/** The parse made once goes to the first caller; each other coalesced caller parses its own copy. */
function handOut(answer: SharedAnswer): unknown {
  if (!answer.handedOut) {
    answer.handedOut = true;
    return answer.body;
  }
  return answer.text === '' ? undefined : JSON.parse(answer.text);
}


function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

type ParsedJson = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): ParsedJson {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * How long a 429 asks to wait, in ms: `Retry-After` (seconds or HTTP date) or the body's
 * `retryAfterSeconds` ("API rate limit v2" servers, §9), or the refill time of one token of the
 * bucket named in the message (`Limit reached (100 tokens per 60000 ms)` → 600 ms). Undefined
 * when unknown: the budget then backs off on its own.
 */
function retryAfterMs(headers: Record<string, string | string[] | undefined>, body: unknown): number | undefined {
  const header = headers['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  if (typeof body === 'object' && body !== null) {
    const seconds = (body as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof seconds === 'number' && seconds >= 0) return seconds * 1000;
    for (const message of readErrorMessages(body)) {
      const match = /(\d+)\s*tokens?\s*per\s*(\d+)\s*ms/i.exec(message);
      if (match && Number(match[1]) > 0) return Number(match[2]) / Number(match[1]);
    }
  }
  return undefined;
}
