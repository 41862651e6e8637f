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
  | 'UPSTREAM_ERROR';

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
        // A field's error keeps 200, since other fields may still carry data.
        ...(path === undefined ? { http: requestFailure(original.code) } : {}),
      },
    });
  }
  if (error instanceof GraphQLError && !error.originalError) return error;
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
};

function requestFailure(code: ErrorCode): { status: number; headers?: Record<string, string> } {
  const status = REQUEST_STATUS[code];
  return code === 'UNAUTHENTICATED' ? { status, headers: { 'WWW-Authenticate': 'Bearer' } } : { status };
}

/** graphql-js and yoga may each wrap the thrown error once; the class that was thrown decides. */
export function thrownError(error: unknown): unknown {
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
 * Yoga logs every error its mask changes. A client's mistake (BAD_USER_INPUT, NOT_FOUND, …) is not
 * the server's problem and is not logged; a failing Twenty is a one-line warning; anything else is
 * a bug and is logged once, whole.
 */
export function createErrorLogger(base: ErrorLogger): ErrorLogger {
  return {
    debug: (...args) => base.debug(...args),
    info: (...args) => base.info(...args),
    warn: (...args) => base.warn(...args),
    error(...args) {
      const known = args.map(thrownError).find((a): a is BffError => a instanceof BffError);
      if (!known) return base.error(...args);
      if (known instanceof UpstreamError || known instanceof RateLimitedError) base.warn(`${known.code}: ${known.message}`);
    },
  };
}
