/**
 * The one table from Twenty's HTTP answers to the BFF's error catalogue (§8).
 * Messages name the operation, never the token; Twenty's own `messages` are kept only for 400s,
 * where they describe the caller's input (a bad value, an unknown option).
 */
import { BadUserInputError, type BffError, CreditsExhaustedError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, UpstreamError } from '../errors.js';

export interface FailedCall {
  method: string;
  /** The object plural or `metadata`, for messages. */
  object: string;
  status: number;
  messages: string[];
}

const STATUS_TO_ERROR: Record<number, (call: FailedCall) => BffError> = {
  400: (c) => new BadUserInputError(`Twenty rejected the request: ${c.messages.join('; ') || 'bad request'}.`),
  401: () => new UnauthenticatedError('Twenty rejected the API key.'),
  403: () => new ForbiddenError('Twenty refused this operation for the API key.'),
  404: (c) => new NotFoundError(`No such ${c.object} record.`),
  402: () => new CreditsExhaustedError("The workspace's Twenty credits are spent; its owner must add credits or wait for the next period."),
  409: (c) => new BadUserInputError(`Twenty refused the change: ${c.messages.join('; ') || 'conflict'}.`),
  413: (c) => new BadUserInputError(`Twenty refused the request as too large (HTTP 413) on ${c.method} ${c.object}: send fewer or smaller values.`),
  422: (c) => new BadUserInputError(`Twenty rejected the request: ${c.messages.join('; ') || 'unprocessable'}.`),
  // 429s go back to the budget (http.ts); this is for completeness of the table.
  429: () => new RateLimitedError('Twenty rate limit reached; try again later.'),
};

export function errorForStatus(call: FailedCall): BffError {
  const make = STATUS_TO_ERROR[call.status];
  if (make) return make(call);
  return new UpstreamError(`Twenty failed (HTTP ${call.status}) on ${call.method} ${call.object}.`, { upstreamStatus: call.status });
}

/** Keeps a secret out of any text that might reach a client or a log. */
export function redact<E extends Error>(error: E, secret: string): E {
  if (secret.length >= 4 && error.message.includes(secret)) {
    error.message = error.message.split(secret).join('[redacted]');
  }
  return error;
}
