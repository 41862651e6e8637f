import { GraphQLError } from 'graphql';

/**
 * The error catalogue: each class has a stable `code` that becomes GraphQL `extensions.code`,
 * and the HTTP status it maps to when a whole request fails. Anything that is not one of these
 * (and not a GraphQLError made by graphql-js itself) is masked by `maskError`.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_EXPENSIVE'
  | 'UPSTREAM_ERROR'
  | 'CREDITS_EXHAUSTED';

export abstract class BffError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra, client-safe facts added to `extensions` (never upstream bodies or tokens). */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The caller's input cannot be served as asked (bad filter value, unknown stage, …). */
export class BadUserInputError extends BffError {
  readonly code = 'BAD_USER_INPUT' as const;
}

/** No API key, or Twenty rejected it (401). */
export class UnauthenticatedError extends BffError {
  readonly code = 'UNAUTHENTICATED' as const;
}

/** Twenty refused the key for this operation (403). */
export class ForbiddenError extends BffError {
  readonly code = 'FORBIDDEN' as const;
}

/** The record does not exist (or is not visible to this key). */
export class NotFoundError extends BffError {
  readonly code = 'NOT_FOUND' as const;
}

/** Twenty's rate limit was hit and retrying within budget did not help. */
export class RateLimitedError extends BffError {
  readonly code = 'RATE_LIMITED' as const;
}

/**
 * The operation would cost more than one operation may (MAX_OPERATION_CALLS REST calls, or a
 * response of more than MAX_RESPONSE_RECORDS records), by the planner's estimate made before
 * its first REST call; `details` carry the estimate and the limit.
 */
export class QueryTooExpensiveError extends BffError {
  readonly code = 'QUERY_TOO_EXPENSIVE' as const;
}

/** Twenty failed, timed out, was unreachable or answered something unreadable. */
export class UpstreamError extends BffError {
  readonly code = 'UPSTREAM_ERROR' as const;
}

// --- Outbound path (src/twenty): credits, cancellation ---

/**
 * Twenty answered 402: the workspace's credit allowance is spent (§9). Never retried: only the
 * workspace's owner can fix it.
 */
export class CreditsExhaustedError extends BffError {
  readonly code = 'CREDITS_EXHAUSTED' as const;
}

/**
 * The caller went away (its request's signal aborted) and its upstream work was stopped. Nobody
 * is left to read it; a class of its own so logs can leave it out.
 */
export class CancelledError extends UpstreamError {}

/**
 * The one mapping from thrown errors to what clients see (used as yoga's `maskedErrors.maskError`).
 * BffErrors keep their message and code; GraphQLErrors from validation/parsing pass through;
 * everything else is masked (yoga logs what was masked: see `createErrorLogger`).
 */
export function toGraphQLError(error: unknown): GraphQLError {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  const nodes = error instanceof GraphQLError ? error.nodes : undefined;
  if (original instanceof BffError) {
    return new GraphQLError(original.message, {
      nodes,
      path,
      originalError: original,
      extensions: {
        code: original.code,
        ...original.details,
        // Without a path the whole request failed (e.g. no key): the HTTP status says so too.
        // A field's error keeps 200, since other fields may still carry data; except a key Twenty
        // refused, which every field of the request shares: 401, like a missing key.
        ...(path === undefined || original.code === 'UNAUTHENTICATED' ? { http: requestFailure(original.code) } : {}),
      },
    });
  }
  if (error instanceof GraphQLError && !error.originalError) return error;
  // Without a path the error is about the request, not a field: graphql-js's own wrapped errors
  // (a variable's value refused by its type) describe the caller's input and pass as they are.
  if (error instanceof GraphQLError && path === undefined && thrownError(error) instanceof GraphQLError) {
    return new GraphQLError(error.message, {
      nodes,
      source: error.source,
      positions: error.positions,
      extensions: { code: 'BAD_USER_INPUT', ...error.extensions },
    });
  }
  return new GraphQLError('Unexpected error.', {
    nodes,
    path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

const REQUEST_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  QUERY_TOO_EXPENSIVE: 400,
  UPSTREAM_ERROR: 502,
  CREDITS_EXHAUSTED: 402,
};

function requestFailure(code: ErrorCode): { status: number; headers?: Record<string, string> } {
  const status = REQUEST_STATUS[code];
  return code === 'UNAUTHENTICATED' ? { status, headers: { 'WWW-Authenticate': 'Bearer' } } : { status };
}

/** graphql-js and yoga may each wrap the thrown error once; the class that was thrown decides. */
function thrownError(error: unknown): unknown {
  let original = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  return original;
}

export interface ErrorLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Yoga logs every error its mask changes, once per field that failed. A client's mistake
 * (BAD_USER_INPUT, NOT_FOUND, a refused variable, …) is not the server's problem and is not
 * logged; a failing Twenty is a one-line warning, once per failure however many fields shared it
 * (`reported` is shared with the transport's failure hook, which logs upstream failures itself);
 * anything else is a bug and is logged once, whole.
 */
export function createErrorLogger(base: ErrorLogger, reported: WeakSet<object> = new WeakSet()): ErrorLogger {
  const once = (error: object, log: () => void) => {
    if (reported.has(error)) return;
    reported.add(error);
    log();
  };
  return {
    debug: (...args) => base.debug(...args),
    info: (...args) => base.info(...args),
    warn: (...args) => base.warn(...args),
    error(...args) {
      const thrown = args.map(thrownError);
      const known = thrown.find((a): a is BffError => a instanceof BffError);
      if (known) {
        if (known instanceof CancelledError) return; // the caller left: nothing went wrong
        if (known instanceof UpstreamError || known instanceof RateLimitedError) once(known, () => base.warn(`${known.code}: ${known.message}`));
        return;
      }
      // graphql-js's own error about the request (no field path): the caller's input, not a bug.
      if (args.some((a) => a instanceof GraphQLError && a.path === undefined && thrownError(a) instanceof GraphQLError)) {
        return base.debug(...args);
      }
      const bug = thrown.find((a): a is object => typeof a === 'object' && a !== null);
      if (bug) once(bug, () => base.error(...args));
      else base.error(...args);
    },
  };
}
