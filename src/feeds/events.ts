/**
 * What a feed carries: changes of one object's records, found by comparing what Twenty returns
 * now with the last version the feed saw of each record.
 */
import {
  BadUserInputError,
  CreditsExhaustedError,
  ForbiddenError,
  NotFoundError,
  QueryTooExpensiveError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamError,
  type BffError,
  type ErrorCode,
} from '../errors.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';

/** The objects that have feeds (the `…Changed` subscriptions). */
export const FEED_OBJECTS: readonly ObjectPlural[] = ['opportunities', 'companies', 'people', 'tasks', 'notes'];

export type ChangeKind = 'CREATED' | 'UPDATED' | 'DELETED' | 'RESTORED' | 'DESTROYED';

/** A change as a poll finds it, before the feed's log gives it an id. */
export interface ChangeDraft {
  kind: ChangeKind;
  id: string;
  /** When it happened (ISO): `updatedAt`, `deletedAt`, or when a destruction was noticed. */
  at: string;
  /** Top-level Twenty fields whose value changed, on UPDATED; null otherwise. */
  changedFields: string[] | null;
  /** The record as last seen before the change; null on CREATED. */
  before: TwentyRecord | null;
  /** The record after the change; null on DESTROYED. */
  after: TwentyRecord | null;
}

/** A change with its place in the feed's log: `eventId` is `<ms>-<seq>`, increasing within a feed. */
export interface ChangeEvent extends ChangeDraft {
  eventId: string;
}

/** A failure that ends a feed for all its subscribers (the key was refused), as sent on its channel. */
export interface FeedFailure {
  error: { code: string; message: string };
}

/** What a feed's channel carries: changes, in log order, or the failure that ends it. */
export type FeedMessage = ChangeEvent | FeedFailure;

export const isFailure = (message: FeedMessage): message is FeedFailure => 'error' in message;

/** Every error class by its code: a failure crosses the channel as JSON and keeps its code on the other side. */
const ERRORS_BY_CODE: Record<ErrorCode, new (message: string) => BffError> = {
  BAD_USER_INPUT: BadUserInputError,
  UNAUTHENTICATED: UnauthenticatedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  RATE_LIMITED: RateLimitedError,
  QUERY_TOO_EXPENSIVE: QueryTooExpensiveError,
  UPSTREAM_ERROR: UpstreamError,
  CREDITS_EXHAUSTED: CreditsExhaustedError,
};

/** The error a subscriber sees for a feed's failure: the same code as the error that ended the feed. */
export function errorOf(failure: FeedFailure): BffError {
  const { code, message } = failure.error;
  const ErrorClass = Object.hasOwn(ERRORS_BY_CODE, code) ? ERRORS_BY_CODE[code as ErrorCode] : UpstreamError;
  return new ErrorClass(message);
}

/** Fields that change with every write and say nothing about what was changed. */
const BOOKKEEPING = new Set(['updatedAt', 'updatedBy']);

/**
 * The change that turns `before` (the feed's last copy, undefined for a record it never saw)
 * into `after`, or null when nothing differs. Whole records are compared, not `updatedAt`: Twenty
 * shows milliseconds, so two writes within one would look like one version. A record first seen
 * already soft-deleted gives nothing: no subscriber can have seen it alive.
 */
export function classify(before: TwentyRecord | undefined, after: TwentyRecord): ChangeDraft | null {
  if (before && canonical(before) === canonical(after)) return null;
  const deleted = Boolean(after.deletedAt);
  const updatedAt = String(after.updatedAt ?? new Date().toISOString());
  if (!before) return deleted ? null : { kind: 'CREATED', id: after.id, at: updatedAt, changedFields: null, before: null, after };
  const wasDeleted = Boolean(before.deletedAt);
  if (!wasDeleted && deleted) return { kind: 'DELETED', id: after.id, at: String(after.deletedAt), changedFields: null, before, after };
  if (wasDeleted && !deleted) return { kind: 'RESTORED', id: after.id, at: updatedAt, changedFields: null, before, after };
  return { kind: 'UPDATED', id: after.id, at: updatedAt, changedFields: changedFields(before, after), before, after };
}

export function destroyed(before: TwentyRecord, at = new Date().toISOString()): ChangeDraft {
  return { kind: 'DESTROYED', id: before.id, at, changedFields: null, before, after: null };
}

/** Top-level fields whose values differ, in the order of `after` then `before`'s leftovers. */
export function changedFields(before: TwentyRecord, after: TwentyRecord): string[] {
  const fields: string[] = [];
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    if (!BOOKKEEPING.has(key) && canonical(before[key]) !== canonical(after[key])) fields.push(key);
  }
  return fields;
}

/** JSON with object keys sorted, so two copies of one value compare equal whatever their key order. */
export function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/** Orders event ids (`<ms>-<seq>`, Redis stream ids): negative when `a` comes first. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = splitId(a);
  const [bm, bs] = splitId(b);
  return am !== bm ? Math.sign(am - bm) : Math.sign(as - bs);
}

const EVENT_ID = /^(\d{1,16})-(\d{1,16})$/;

export const isEventId = (value: unknown): value is string => typeof value === 'string' && EVENT_ID.test(value);

function splitId(id: string): [number, number] {
  const match = EVENT_ID.exec(id);
  if (!match) throw new TypeError(`Not an event id: ${id}`);
  return [Number(match[1]), Number(match[2])];
}

/** The time an event id was given, in ms. */
export const eventIdTime = (id: string): number => splitId(id)[0];
