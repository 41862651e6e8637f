/**
 * The contract between the BFF and Twenty's REST API (see ../shared/twenty-rest.md).
 * Everything above `src/twenty/` talks to Twenty only through `TwentyClient`.
 */
import type { BffError } from '../errors.js';
import type { CallPriority } from './scope.js';

/** A record as Twenty returns it: flat JSON, composite fields as nested objects (§2, §10). */
export type TwentyRecord = { id: string } & Record<string, unknown>;

/** Plural REST names of the objects the BFF serves (§1: objects are named by their plural). */
export type ObjectPlural =
  | 'companies'
  | 'people'
  | 'opportunities'
  | 'notes'
  | 'tasks'
  | 'noteTargets'
  | 'taskTargets'
  | 'workspaceMembers';

export interface ListParams {
  /** A filter string built by `buildFilter` (src/twenty/filter.ts); never user text. */
  filter?: string;
  /** `field1,field2[DescNullsLast]` (§5). */
  orderBy?: string;
  /** Records per page; the client clamps it to the server's page limit. */
  limit?: number;
  startingAfter?: string;
  endingBefore?: string;
  depth?: 0 | 1;
  /**
   * Only these fields (§13; many-to-ones by relation name). A hint: sent while the server
   * honours it (learned per server), and the answer is whole where it does not.
   */
  fields?: readonly string[];
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One page of a find-many, normalised from either list shape (array or edges/node, §2). */
export interface ListPage {
  records: TwentyRecord[];
  totalCount: number;
  pageInfo: PageInfo;
}

export interface GroupByParams {
  /** e.g. `[{ stage: true }]` or `[{ closeDate: { granularity: 'MONTH', timeZone: 'UTC' } }]` (§7). */
  groupBy: Array<Record<string, unknown>>;
  /** e.g. `['totalCount', 'sumAmountAmountMicros']`. */
  aggregate: string[];
  /** A filter string built by src/twenty/filter.ts; never user text. */
  filter?: string;
  /** Groups asked for; the client clamps it to the most a server returns (200, §7). @default 200 */
  limit?: number;
}

/** One group of a groupBy answer (§7): dimension values plus the aggregates asked for. */
export type GroupByRow = { groupByDimensionValues: unknown[] } & Record<string, unknown>;

/**
 * What a groupBy call found. `supported: false` when the server has no groupBy route (servers
 * before late 2025, §7): learned once per server, after which no call is made at all.
 * `complete` is false when the answer holds as many groups as the server may return in one
 * call, so some may have been left out: groupBy has no cursor, the caller must split the query.
 */
export type GroupByAnswer = { supported: false } | { supported: true; rows: GroupByRow[]; complete: boolean };

export interface SelectOption {
  value: string;
  label: string;
  color: string | null;
  position: number;
}

export interface FieldMetadata {
  name: string;
  type: string;
  label?: string;
  options?: SelectOption[] | null;
}

export interface ObjectMetadata {
  nameSingular: string;
  namePlural: string;
  fields: FieldMetadata[];
}

/**
 * The one door to Twenty, bound to one caller's token. Made per request by the context;
 * it never outlives the request, so one token's data cannot reach another's.
 */
export interface TwentyClient {
  list(object: ObjectPlural, params?: ListParams): Promise<ListPage>;
  /** null when Twenty answers 404. */
  get(object: ObjectPlural, id: string, options?: { depth?: 0 | 1 }): Promise<TwentyRecord | null>;
  create(object: ObjectPlural, data: Record<string, unknown>): Promise<TwentyRecord>;
  createMany(object: ObjectPlural, data: Array<Record<string, unknown>>): Promise<TwentyRecord[]>;
  update(object: ObjectPlural, id: string, data: Record<string, unknown>): Promise<TwentyRecord>;
  /** Soft delete sets `deletedAt`; hard delete (soft: false) removes the row (§1). */
  delete(object: ObjectPlural, id: string, options: { soft: boolean }): Promise<{ id: string }>;
  /** Tries `PATCH /rest/{plural}/{id}/restore`, then the older `/rest/restore/{plural}/{id}`. */
  restore(object: ObjectPlural, id: string): Promise<TwentyRecord>;
  /** `GET /rest/{plural}/groupBy` (§7), or `{ supported: false }` on a server without it. */
  groupBy(object: ObjectPlural, params: GroupByParams): Promise<GroupByAnswer>;
  /** `GET /rest/metadata/objects`, normalised. */
  objectMetadata(): Promise<ObjectMetadata[]>;
  /** The largest `limit` the server honours: 200 on current Twenty, 60 on older servers. */
  pageLimit(): Promise<number>;
  /**
   * This client as bound (token, signal, deadline, hooks), its calls queued at `priority` in the
   * workspace's budget instead: how a report asked within a query waits behind interactive calls.
   */
  atPriority(priority: CallPriority): TwentyClient;
}

/** What one upstream call cost, reported to metrics and to `extensions.upstream`. */
export interface UpstreamCallEvent {
  method: string;
  object: string;
  /** The HTTP status, or how the attempt ended without one (`cancelled`: the caller went away). */
  status: number | 'network_error' | 'timeout' | 'cancelled';
  ms: number;
}

/**
 * A call that failed for good, after its retries: one event per failure, not per attempt (for a
 * log line). Not sent when the caller went away.
 */
export interface UpstreamFailureEvent {
  /** The workspace key (a hash of the upstream URL and the token, never the token). */
  key: string;
  /** The call's queue class (a shared GET's: the most urgent of its callers'). */
  priority: CallPriority;
  method: string;
  object: string;
  /** How each attempt ended, in order; empty when the call failed before its first attempt (budget, deadline). */
  attempts: Array<UpstreamCallEvent['status']>;
  /** What the caller gets (its message never holds the token). */
  error: BffError;
}
