/**
 * The BFF's one door to Twenty (issue 3, "How resolvers reach Twenty"): a transport made once
 * per process holds the connection pool, the outbound budget, the coalescing of GETs and what it
 * learns about the server (page limit, restore route); `clientFor(token)` binds it to one
 * caller's key for one operation, with that operation's priority, signal and deadline.
 */
import { BadUserInputError, NotFoundError, UpstreamError } from '../errors.js';
import { OutboundBudget } from './budget/budget.js';
import { type BucketSpec, type BudgetStore, MemoryBudgetStore } from './budget/store.js';
import { Http } from './http.js';
import type { GroupByAnswer } from './types.js';
import { assertObjectPlural } from './names.js';
import { CALL_PRIORITIES, type CallPriority, type CallScope } from './scope.js';
import { readDeletedId, readGroupBy, readListPage, readObjectMetadata, readRecord, readRecords } from './shapes.js';
import type { GroupByParams, GroupByRow, ListPage, ListParams, ObjectMetadata, ObjectPlural, TwentyClient, TwentyRecord, UpstreamCallEvent, UpstreamFailureEvent } from './types.js';
import { isUuid } from './filter-values.js';
import { workspaceKey } from './workspace-key.js';
import type { AdmitEvent, BudgetStats, RateLimitedEvent, RefuseEvent } from './budget/budget.js';
import type { CoalesceEvent } from './http.js';
import { fieldsVerdict, type FieldsSupport } from './fields-param.js';
import type { BffError } from '../errors.js';

export type { CallPriority } from './scope.js';

/** The buckets of a workspace limited to `perMinute` and `perSecond` calls (§9); 0 leaves a bucket out. */
export function twentyBuckets(perMinute: number, perSecond: number): BucketSpec[] {
  return [
    { limit: perMinute, windowMs: 60_000 },
    { limit: perSecond, windowMs: 1_000 },
  ].filter((bucket) => bucket.limit > 0);
}

/** Twenty's own limits (§9): 100 a minute and 100 a second per workspace. */
const TWENTY_BUCKETS: readonly BucketSpec[] = twentyBuckets(100, 100);

export interface TransportOptions {
  /** e.g. 'http://127.0.0.1:3001' or 'https://api.twenty.com' (REST paths are `${baseUrl}/rest/...`). */
  baseUrl: string;
  /** Deadline per attempt, headers and body together. @default 10000 */
  timeoutMs?: number;
  /** Retries of a GET after the first attempt (429s are not counted: see http.ts). @default 3 */
  maxRetries?: number;
  /** Backoff base: attempt n waits about base·2ⁿ. @default 100 */
  retryBaseMs?: number;
  /**
   * Bound on a call's whole upstream time when its client was bound without a deadline
   * (the context binds each operation with its own). @default 30000
   */
  operationTimeoutMs?: number;
  /** The workspace's buckets to stay within (§9); empty for no budget (pauses after 429s still apply). @default TWENTY_BUCKETS */
  buckets?: readonly BucketSpec[];
  /** Where the budget's state lives. @default a MemoryBudgetStore (this process only) */
  budgetStore?: BudgetStore;
  /** Longest a call may wait for the budget, 429 pauses included, before RateLimitedError. @default 10000 */
  maxWaitMs?: number;
  /** Headroom of the budget against clock and network skew, as refill time (store.ts). @default 250 */
  safetyMs?: number;
  /** First pause after a 429 without Retry-After; doubles per 429 in a row, with jitter. @default 1000 */
  rateLimitBackoffMs?: number;
  /** Calls of one workspace key in flight at once. @default 16 */
  concurrencyPerKey?: number;
  /** Process-wide hook, once per HTTP attempt (metrics). */
  onCall?: (event: UpstreamCallEvent) => void;
  /** Once per call that failed for good, after its retries (one log line per failure). */
  onFailure?: (event: UpstreamFailureEvent) => void;
  /** Once per call admitted by the budget, with how long it waited (metrics, tests). */
  onAdmit?: (event: AdmitEvent) => void;
  /** Once per call the budget refuses with RATE_LIMITED (metrics). */
  onRefuse?: (event: RefuseEvent) => void;
  /** Once per 429 from Twenty, with the pause it caused (metrics). */
  onRateLimited?: (event: RateLimitedEvent) => void;
  /** Once per GET that joined an identical one in flight: a call saved (metrics). */
  onCoalesce?: (event: CoalesceEvent) => void;
}

/** How a client is bound: per request by the context, per job by reports and feeds. */
export interface ClientOptions {
  /** Per-client hook, once per HTTP attempt (the debug extension). */
  onCall?: (event: UpstreamCallEvent) => void;
  /** Queue class in the workspace's budget: interactive queries, then reports, then feeds. @default 'interactive' */
  priority?: CallPriority;
  /** The caller's signal (a request's): its queued calls leave, attempts abort, retries stop. */
  signal?: AbortSignal;
  /** Epoch ms after which no call of this client starts or waits. @default each call: now + operationTimeoutMs */
  deadline?: number;
}

export interface TwentyTransport {
  /** A client bound to one caller's token for one operation (or one report or feed job). */
  clientFor(token: string, options?: ClientOptions): TwentyClient;
  /**
   * Whether Twenty answers at all (readiness): one GET of a REST route without a key, which
   * Twenty refuses with 403 (§8) before any workspace work or rate limit. Any answer below 500
   * means the API is up.
   */
  probe(timeoutMs: number): Promise<{ ok: true; status: number } | { ok: false; reason: string }>;
  /** Calls waiting for and running in the budget now, over every key (metrics at scrape time). */
  budgetStats(): BudgetStats;
  close(): Promise<void>;
}

/** Current Twenty clamps `limit` to 200, older servers to 60 (§3). */
const CURRENT_PAGE_LIMIT = 200;
const OLDER_PAGE_LIMIT = 60;

/** §7: groupBy returns at most 200 groups a call, 50 when `limit` is not given or not honoured. */
const MAX_GROUPS = 200;
const DEFAULT_GROUPS = 50;

/** What a transport learns about its server, shared by every client it makes. */
interface ServerFacts {
  pageLimit: number;
  pageLimitKnown: boolean;
  restoreRoute: 'unknown' | 'current' | 'older';
  /** Whether `GET /rest/{plural}/groupBy` exists (§7: servers since late 2025); unset until learned. */
  groupBy?: 'present' | 'absent';
  /** Whether groupBy honours `limit` (§7: the first versions always stop at 50 groups); unset until learned. */
  groupLimit?: 'honoured' | 'ignored';
  /** Whether `fields=` trims records here (fields-param.ts). */
  fields: FieldsSupport;
}

export function createTwentyTransport(options: TransportOptions): TwentyTransport {
  if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
  const positive = (name: string, value: number | undefined, fallback: number, min = 0): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < min) throw new TypeError(`${name} must be a number ≥ ${min}, got ${String(value)}`);
    return v;
  };
  const buckets = options.buckets ?? TWENTY_BUCKETS;
  for (const b of buckets) {
    if (!(Number.isFinite(b.limit) && b.limit > 0 && Number.isFinite(b.windowMs) && b.windowMs > 0)) {
      throw new TypeError(`each bucket needs a positive limit and windowMs, got ${JSON.stringify(b)}`);
    }
  }
  const maxWaitMs = positive('maxWaitMs', options.maxWaitMs, 10_000);
  const budget = new OutboundBudget({
    policy: {
      buckets,
      safetyMs: positive('safetyMs', options.safetyMs, 250),
      recoverMs: Math.max(1, ...buckets.map((b) => b.windowMs)),
    },
    store: options.budgetStore ?? new MemoryBudgetStore(),
    maxWaitMs,
    concurrencyPerKey: Math.floor(positive('concurrencyPerKey', options.concurrencyPerKey, 16, 1)),
    rateLimitBackoffMs: positive('rateLimitBackoffMs', options.rateLimitBackoffMs, 1_000, 1),
    onAdmit: options.onAdmit,
    onRefuse: options.onRefuse,
    onRateLimited: options.onRateLimited,
  });
  const http = new Http({
    baseUrl: options.baseUrl,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 10_000, 1),
    maxRetries: Math.floor(positive('maxRetries', options.maxRetries, 3)),
    retryBaseMs: positive('retryBaseMs', options.retryBaseMs, 100),
    maxWaitMs,
    budget,
    onCall: options.onCall,
    onFailure: options.onFailure,
    onCoalesce: options.onCoalesce,
  });
  const operationTimeoutMs = positive('operationTimeoutMs', options.operationTimeoutMs, 30_000, 1);
  const facts: ServerFacts = { pageLimit: CURRENT_PAGE_LIMIT, pageLimitKnown: false, restoreRoute: 'unknown', fields: 'unknown' };
  return {
    clientFor(token, bound = {}) {
      if (typeof token !== 'string' || token === '') throw new TypeError('clientFor needs a non-empty token');
      const priority = bound.priority ?? 'interactive';
      checkPriority(priority);
      if (bound.deadline !== undefined && !Number.isFinite(bound.deadline)) throw new TypeError(`deadline must be epoch ms, got ${String(bound.deadline)}`);
      return new Client(http, facts, token, { ...bound, priority, key: workspaceKey(options.baseUrl, token), operationTimeoutMs });
    },
    budgetStats: () => budget.stats(),
    async close() {
      await budget.close();
      await http.close();
    },
    async probe(timeoutMs) {
      const answer = await http.probe('/rest/companies?limit=0', timeoutMs);
      if ('timedOut' in answer) return { ok: false, reason: `Twenty did not answer within ${timeoutMs} ms.` };
      if ('unreachable' in answer) return { ok: false, reason: `Twenty cannot be reached (${answer.unreachable}).` };
      if (answer.status >= 500) return { ok: false, reason: `Twenty answers HTTP ${answer.status}.` };
      return { ok: true, status: answer.status };
    },
  };
}

interface Binding extends ClientOptions {
  priority: CallPriority;
  key: string;
  operationTimeoutMs: number;
}

class Client implements TwentyClient {
  /** This client at other priorities: one per priority, so a report's calls are one operation in the budget. */
  private readonly atOtherPriorities = new Map<CallPriority, Client>();

  constructor(
    private readonly http: Http,
    private readonly facts: ServerFacts,
    private readonly token: string,
    private readonly binding: Binding,
  ) {}

  atPriority(priority: CallPriority): TwentyClient {
    if (priority === this.binding.priority) return this;
    checkPriority(priority);
    let client = this.atOtherPriorities.get(priority);
    if (!client) this.atOtherPriorities.set(priority, (client = new Client(this.http, this.facts, this.token, { ...this.binding, priority })));
    return client;
  }

  /**
   * `shared`: the answer is kept for other operations too (object metadata, cached per key in
   * src/workspace/metadata.ts), so this caller's leaving must not fail it for the others: it is
   * bound by time only.
   */
  private send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', object: string, path: string, body?: unknown, shared = false) {
    const { key, priority, signal, deadline, operationTimeoutMs, onCall } = this.binding;
    const scope: CallScope = {
      key,
      priority,
      operation: this,
      signal: shared ? undefined : signal,
      deadline: deadline !== undefined && !shared ? deadline : Date.now() + operationTimeoutMs,
    };
    return this.http.send({ method, object, path, body, token: this.token, scope, onCall });
  }

  async list(object: ObjectPlural, params: ListParams = {}): Promise<ListPage> {
    assertObjectPlural(object);
    const fields = params.fields?.length && this.facts.fields !== 'ignored' && this.facts.fields !== 'refused' ? params.fields : undefined;
    if (!fields) return this.listOnce(object, params);
    let page: ListPage;
    try {
      page = await this.listOnce(object, params, fields);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      // A 400 may be our field names (a workspace without one of them): the same read without
      // them decides, and tells whether this server refuses them.
      const whole = await this.listOnce(object, params);
      if (this.facts.fields === 'unknown') this.facts.fields = 'refused';
      return whole;
    }
    const verdict = fieldsVerdict(fields, page.records);
    if (verdict === 'incomplete') {
      this.facts.fields = 'refused';
      return this.listOnce(object, params);
    }
    if (verdict && this.facts.fields === 'unknown') this.facts.fields = verdict;
    return page;
  }

  private async listOnce(object: ObjectPlural, params: ListParams, fields?: readonly string[]): Promise<ListPage> {
    const query: Record<string, string | undefined> = {
      filter: params.filter,
      order_by: params.orderBy,
      starting_after: params.startingAfter,
      ending_before: params.endingBefore,
      depth: params.depth === undefined ? undefined : String(params.depth),
      fields: fields?.join(','),
    };
    let asked: number | undefined;
    if (params.limit !== undefined) {
      if (!Number.isInteger(params.limit) || params.limit < 0) throw new BadUserInputError(`limit must be a non-negative integer, got ${params.limit}.`);
      asked = Math.min(params.limit, this.facts.pageLimit);
      query.limit = String(asked);
    }
    const answer = await this.send('GET', object, `/rest/${object}${queryString(query)}`);
    if (answer.status === 404) throw new NotFoundError(`No ${object} collection on this Twenty.`);
    const page = readListPage(answer.body, object);
    this.learnPageLimit(asked, page, params.endingBefore !== undefined);
    return page;
  }

  /**
   * §3: asked for more than 60 and got exactly 60 with more to come → an older server that
   * clamps at 60; got more than 60 → the current limit. Learned once, for the whole transport.
   * Reading backwards, "more to come" is hasPreviousPage (hasNextPage only says a cursor was given).
   */
  private learnPageLimit(asked: number | undefined, page: ListPage, backwards: boolean): void {
    if (this.facts.pageLimitKnown || asked === undefined || asked <= OLDER_PAGE_LIMIT) return;
    const more = backwards ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (page.records.length === OLDER_PAGE_LIMIT && more) {
      this.facts.pageLimit = OLDER_PAGE_LIMIT;
      this.facts.pageLimitKnown = true;
    } else if (page.records.length > OLDER_PAGE_LIMIT) {
      this.facts.pageLimitKnown = true;
    }
  }

  async get(object: ObjectPlural, id: string, options: { depth?: 0 | 1 } = {}): Promise<TwentyRecord | null> {
    assertObjectPlural(object);
    checkId(id);
    const depth = options.depth === undefined ? '' : `?depth=${options.depth}`;
    const answer = await this.send('GET', object, `/rest/${object}/${id}${depth}`);
    if (answer.status === 404) return null;
    return readRecord(answer.body, object);
  }

  async create(object: ObjectPlural, data: Record<string, unknown>): Promise<TwentyRecord> {
    assertObjectPlural(object);
    const answer = await this.send('POST', object, `/rest/${object}`, data);
    if (answer.status === 404) throw new NotFoundError(`No ${object} collection on this Twenty.`);
    return readRecord(answer.body, object, 'create');
  }

  async createMany(object: ObjectPlural, data: Array<Record<string, unknown>>): Promise<TwentyRecord[]> {
    assertObjectPlural(object);
    if (data.length === 0) return [];
    const answer = await this.send('POST', object, `/rest/batch/${object}`, data);
    if (answer.status === 404) throw new NotFoundError(`No ${object} collection on this Twenty.`);
    return readRecords(answer.body, object);
  }

  async update(object: ObjectPlural, id: string, data: Record<string, unknown>): Promise<TwentyRecord> {
    assertObjectPlural(object);
    checkId(id);
    const answer = await this.send('PATCH', object, `/rest/${object}/${id}`, data);
    if (answer.status === 404) throw notFound(object, id);
    return readRecord(answer.body, object, 'update');
  }

  async delete(object: ObjectPlural, id: string, options: { soft: boolean }): Promise<{ id: string }> {
    assertObjectPlural(object);
    checkId(id);
    // §1: DELETE is hard by default; soft needs the flag.
    const answer = await this.send('DELETE', object, `/rest/${object}/${id}${options.soft ? '?soft_delete=true' : ''}`);
    if (answer.status === 404) throw notFound(object, id);
    return { id: readDeletedId(answer.body, object, id) };
  }

  /**
   * §1: current servers restore at `/rest/{plural}/{id}/restore`, older ones at
   * `/rest/restore/{plural}/{id}`. The first restore tries the current route and falls back on
   * a route-shaped failure (404 without "record", or 400); whichever answers is remembered.
   */
  async restore(object: ObjectPlural, id: string): Promise<TwentyRecord> {
    assertObjectPlural(object);
    checkId(id);
    const routes = { current: `/rest/${object}/${id}/restore`, older: `/rest/restore/${object}/${id}` } as const;
    const known = this.facts.restoreRoute;
    if (known !== 'unknown') {
      const tried = await this.tryRestore(object, id, routes[known]);
      if ('record' in tried) return tried.record;
      throw tried.error ?? notFound(object, id);
    }
    const first = await this.tryRestore(object, id, routes.current);
    if ('record' in first) {
      this.facts.restoreRoute = 'current';
      return first.record;
    }
    const second = await this.tryRestore(object, id, routes.older);
    if ('record' in second) {
      this.facts.restoreRoute = 'older';
      return second.record;
    }
    // Neither route answered as a route: report what the current one said.
    throw first.error ?? notFound(object, id);
  }

  /**
   * One restore attempt. Resolves with the record, or with `routeMissing` when the answer looks
   * like "no such route" (a framework 404, or a 400 such as too many path segments); a 404 that
   * names a missing record proves the route exists and is thrown as NotFoundError.
   */
  private async tryRestore(object: ObjectPlural, id: string, path: string): Promise<{ record: TwentyRecord } | { routeMissing: true; error?: BffError }> {
    let answer;
    try {
      answer = await this.send('PATCH', object, path);
    } catch (error) {
      if (error instanceof BadUserInputError) return { routeMissing: true, error };
      throw error;
    }
    if (answer.status !== 404) return { record: readRecord(answer.body, object, 'restore') };
    if (isRecordNotFound(answer.body)) {
      if (this.facts.restoreRoute === 'unknown') this.facts.restoreRoute = path.startsWith('/rest/restore/') ? 'older' : 'current';
      throw notFound(object, id);
    }
    return { routeMissing: true };
  }

  /**
   * §7 grouped aggregates. Whether the server has the route is a fact learned once per server
   * (`facts.groupBy`), from what the route answers, never from message text:
   * - an array (2xx) proves the route;
   * - a 404 proves its absence (a server that routes `groupBy` nowhere);
   * - a 400 is what older servers answer (they read `groupBy` as a record id, §1), but also what a
   *   current one answers to a filter it refuses. A request every current server can serve, the
   *   same grouping and aggregates with no filter and one group, tells the two apart: refused
   *   too, there is no route; served, the filter was at fault and its error is the caller's.
   *   When the failing request had no filter it was that request already.
   * Once the route is known absent, `{ supported: false }` comes back without a call.
   */
  async groupBy(object: ObjectPlural, params: GroupByParams): Promise<GroupByAnswer> {
    assertObjectPlural(object);
    if (this.facts.groupBy === 'absent') return { supported: false };
    const asked = params.limit ?? MAX_GROUPS;
    if (!Number.isInteger(asked) || asked < 1) throw new TypeError(`groupBy limit must be a positive integer, got ${asked}`);
    const limit = Math.min(asked, MAX_GROUPS);
    let answer;
    try {
      answer = await this.sendGroupBy(object, { ...params, limit });
    } catch (error) {
      if (!(error instanceof BadUserInputError) || this.facts.groupBy === 'present') throw error;
      if (params.filter !== undefined && (await this.groupByServes(object, params))) throw error;
      this.facts.groupBy = 'absent';
      return { supported: false };
    }
    if (answer.status === 404) {
      if (this.facts.groupBy === 'present') throw new UpstreamError(`Twenty answered 404 to a groupBy of ${object}.`);
      this.facts.groupBy = 'absent';
      return { supported: false };
    }
    const rows = readGroupBy(answer.body);
    this.facts.groupBy = 'present';
    if (this.facts.groupLimit === undefined && limit > DEFAULT_GROUPS) await this.learnGroupLimit(object, params, rows.length);
    const mostPerCall = this.facts.groupLimit === 'ignored' ? Math.min(limit, DEFAULT_GROUPS) : limit;
    return { supported: true, rows, complete: rows.length < mostPerCall };
  }

  /**
   * The first groupBy versions ignore `limit` and stop at the default of 50 groups (§7). An answer
   * past 50 proves `limit` honoured; one of exactly 50 is ambiguous, and the same request for one
   * group settles it: one group comes back only from a server that honours `limit`. Until then,
   * and on a server that ignores it, an answer of 50 groups counts as possibly cut off.
   */
  private async learnGroupLimit(object: ObjectPlural, params: GroupByParams, groups: number): Promise<void> {
    if (groups > DEFAULT_GROUPS) this.facts.groupLimit = 'honoured';
    if (groups !== DEFAULT_GROUPS) return;
    const answer = await this.sendGroupBy(object, { ...params, limit: 1 });
    if (answer.status !== 404) this.facts.groupLimit = readGroupBy(answer.body).length <= 1 ? 'honoured' : 'ignored';
  }

  private sendGroupBy(object: ObjectPlural, params: GroupByParams & { limit: number }) {
    const query = queryString({
      group_by: JSON.stringify(params.groupBy),
      aggregate: JSON.stringify(params.aggregate),
      filter: params.filter,
      limit: String(params.limit),
    });
    return this.send('GET', object, `/rest/${object}/groupBy${query}`);
  }

  /** Whether the groupBy route serves `params` without its filter (see `groupBy`). */
  private async groupByServes(object: ObjectPlural, params: GroupByParams): Promise<boolean> {
    try {
      const answer = await this.sendGroupBy(object, { groupBy: params.groupBy, aggregate: params.aggregate, limit: 1 });
      if (answer.status === 404) return false;
      readGroupBy(answer.body);
      this.facts.groupBy = 'present';
      return true;
    } catch (error) {
      if (error instanceof BadUserInputError) return false;
      throw error;
    }
  }

  async objectMetadata(): Promise<ObjectMetadata[]> {
    const answer = await this.send('GET', 'metadata', '/rest/metadata/objects', undefined, true);
    if (answer.status === 404) throw new NotFoundError('This Twenty serves no object metadata.');
    return readObjectMetadata(answer.body);
  }

  async pageLimit(): Promise<number> {
    return this.facts.pageLimit;
  }
}

/** `?a=1&b=2` with every value percent-encoded (spaces as %20, which every parser reads back). */
function queryString(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Bindings come from JavaScript callers too (reports, feeds): an unknown class would never be picked. */
function checkPriority(priority: CallPriority): void {
  if (!CALL_PRIORITIES.includes(priority)) throw new TypeError(`priority must be one of ${CALL_PRIORITIES.join(', ')}, got ${String(priority)}`);
}

function checkId(id: string): void {
  // §1: Twenty answers 400 for a non-UUID id; saying so here saves a call and keeps ids out of paths.
  if (!isUuid(id)) throw new BadUserInputError(`"${String(id)}" is not a valid id (expected a UUID).`);
}

const notFound = (object: ObjectPlural, id: string) => new NotFoundError(`No ${object} record with id ${id}.`, { id });

/** Twenty's own 404 for a missing record, as opposed to a framework 404 for an unknown route (§8). */
function isRecordNotFound(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const text = JSON.stringify(body);
  return /record/i.test(text) && !/cannot (patch|get|post|delete)/i.test(text);
}
