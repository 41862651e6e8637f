import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import type { ErrorLogger } from './errors.js';

/**
 * What the log knows about the request being served, wherever in its async work a line is
 * written (the transport's failure hook, yoga's error logger, the request line): the request id
 * travels in AsyncLocalStorage, so no hook needs request plumbing to carry it.
 */
export interface RequestScope {
  /** From a sane `x-request-id` header, else a new UUID; echoed in the response's `x-request-id`. */
  id: string;
  started: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Header paths whose values never reach a log line. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', '*.authorization'];

/**
 * JSON lines on stdout (or `destination`), each with `reqId` when written while serving a
 * request; the caller's `Authorization` header is always `[redacted]`.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'twenty-bff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED, censor: '[redacted]' },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { reqId: scope.id } : {};
      },
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A caller's (or proxy's) request id when it is short and plain, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** yoga's logger interface on pino: an Error argument becomes pino's `err` field. */
export function yogaLogger(log: Logger): ErrorLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const text = args.filter((arg) => !(arg instanceof Error)).map(String).join(' ');
      if (error) log[level]({ err: error }, text || error.message);
      else log[level](text);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
