/**
 * The only code in the BFF that speaks HTTP to Twenty: one undici Pool per transport, a
 * deadline on every attempt, and one retry policy.
 *
 * Retry policy (twenty-rest.md §9, STYLE practice 7):
 * - GET is retried on 429, 502, 503, 504, network errors, timeouts and unreadable JSON, up to
 *   `maxRetries` times, with exponential backoff and jitter. A 429 waits for `Retry-After`
 *   (header, or `retryAfterSeconds` in the body of newer servers); without one it waits at least
 *   the time Twenty's bucket needs to refill one token, read from the message
 *   `Limit reached (100 tokens per 60000 ms)`. A wait longer than `maxRetryAfterMs` is not
 *   slept: the call fails at once with RateLimitedError.
 * - POST/PATCH/DELETE are retried only when the failure proves the request never left: the
 *   connection was refused, the host did not resolve, or connecting timed out. Any answer from
 *   Twenty, a reset or a timeout after sending may mean the write happened, so it is reported.
 * - 500 is not retried: Twenty's 500s are deterministic server bugs, retrying spends budget.
 */
import { Pool } from 'undici';
import { BadUserInputError, UpstreamError } from '../errors.js';
import type { UpstreamCallEvent, UpstreamFailureEvent } from './types.js';
import { errorForStatus, redact } from './upstream-errors.js';
import { readErrorMessages } from './shapes.js';

export interface HttpOptions {
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  connections: number;
  onCall?: (event: UpstreamCallEvent) => void;
  /** Once per call that ends in an error, after its last attempt (logs: one line per failure, not per retry). */
  onFailure?: (event: UpstreamFailureEvent) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/rest/`, query string included. */
  path: string;
  /** For events and messages: the object plural, or `metadata`. */
  object: string;
  token: string;
  body?: unknown;
  onCall?: (event: UpstreamCallEvent) => void;
}

export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** What one attempt produced: an answer, or a failure before there was one. */
type Outcome =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { kind: 'network_error' | 'timeout'; neverSent: boolean; cause: unknown };

/** Room for the path within Node's default 16 KB request head, leaving space for headers. */
export const MAX_PATH_CHARS = 15_000;
const RETRYABLE_GET_STATUS = new Set([429, 502, 503, 504]);
/** Error codes that prove no byte of the request reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class Http {
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(private readonly options: HttpOptions) {
    const url = new URL(options.baseUrl);
    // `https://host/rest` and `https://host` both mean the same server: paths below add `/rest`.
    this.prefix = url.pathname.replace(/\/+$/, '').replace(/\/rest$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    });
  }

  /** Sends with the retry policy; resolves with a 2xx/3xx answer or the mapped error. 404 resolves too. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    if (!this.options.onFailure) return this.sendWithRetries(request);
    let attempts = 0;
    const counted: HttpRequest = {
      ...request,
      onCall: (event) => {
        attempts += 1;
        request.onCall?.(event);
      },
    };
    try {
      return await this.sendWithRetries(counted);
    } catch (error) {
      const event: UpstreamFailureEvent = { method: request.method, object: request.object, attempts, error };
      notify(this.options.onFailure, event);
      throw error;
    }
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

  private async sendWithRetries(request: HttpRequest): Promise<HttpAnswer> {
    if (request.path.length > MAX_PATH_CHARS) {
      // Node (Twenty's server) refuses request heads over 16 KB with a bare 431; say why instead.
      throw new BadUserInputError(`The request to Twenty is too long (${request.path.length} characters); narrow the filter.`);
    }
    const isGet = request.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(request);
      const last = attempt >= this.options.maxRetries;

      if (outcome.kind !== 'answer') {
        const retry = isGet || outcome.neverSent;
        if (retry && !last) {
          await sleep(this.backoff(attempt));
          continue;
        }
        const message =
          outcome.kind === 'timeout'
            ? `Twenty did not answer within ${this.options.timeoutMs} ms (${request.method} ${request.object}).`
            : `Twenty could not be reached (${request.method} ${request.object}).`;
        throw redact(new UpstreamError(message, {}, { cause: outcome.cause }), request.token);
      }

      const { status, headers, text } = outcome;
      if (status === 404) {
        // A 404 is an answer whatever its body (a proxy's HTML page included): callers decide.
        const parsed = parseJson(text);
        return { status, body: parsed.ok ? parsed.value : undefined };
      }
      if (status < 400) {
        const parsed = parseJson(text);
        if (parsed.ok) return { status, body: parsed.value };
        if (isGet && !last) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new UpstreamError(`Twenty answered ${request.method} ${request.object} with unreadable JSON.`);
      }

      const parsed = parseJson(text);
      const body = parsed.ok ? parsed.value : undefined;
      const retryAfterMs = status === 429 ? retryAfter(headers, body) : undefined;
      if (isGet && RETRYABLE_GET_STATUS.has(status) && !last) {
        const wait = Math.max(this.backoff(attempt), retryAfterMs ?? 0);
        if (status !== 429 || wait <= this.options.maxRetryAfterMs) {
          await sleep(wait);
          continue;
        }
      }
      const error = errorForStatus({
        method: request.method,
        object: request.object,
        status,
        messages: readErrorMessages(body),
        retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
      });
      throw redact(error, request.token);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so waits never collapse to zero. */
  private backoff(attempt: number): number {
    const ceiling = this.options.retryBaseMs * 2 ** attempt;
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async attempt(request: HttpRequest): Promise<Outcome> {
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
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
      outcome = { kind: 'answer', status: response.statusCode, headers: response.headers, text };
    } catch (cause) {
      const code = errorCode(cause);
      const timedOut = controller.signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code));
      outcome = { kind: timedOut ? 'timeout' : 'network_error', neverSent: code !== undefined && NOT_SENT_CODES.has(code), cause };
    } finally {
      clearTimeout(timer);
    }
    const event: UpstreamCallEvent = {
      method: request.method,
      object: request.object,
      status: outcome.kind === 'answer' ? outcome.status : outcome.kind,
      ms: performance.now() - started,
    };
    notify(this.options.onCall, event);
    notify(request.onCall, event);
    return outcome;
  }
}

/** Observers must not break the call they observe. */
function notify<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // ignored on purpose: metrics and debug hooks are best effort
  }
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * How long a 429 asks to wait, in ms: `Retry-After` (seconds or HTTP date), the body's
 * `retryAfterSeconds` (newer servers), or the refill time of one token of the bucket named in
 * the message (`Limit reached (100 tokens per 60000 ms)` → 600 ms). Undefined when unknown.
 */
function retryAfter(headers: Record<string, string | string[] | undefined>, body: unknown): number | undefined {
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
