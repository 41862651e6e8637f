/**
 * The BFF's one door to Twenty (issue 3, "How resolvers reach Twenty"): a transport made once
 * per process holds the connection pool and what it learns about the server (page limit,
 * restore route); `clientFor(token)` binds it to one caller's key for one request.
 */
import { BadUserInputError, NotFoundError, UpstreamError } from '../errors.js';
import { Http } from './http.js';
import { assertObjectPlural } from './names.js';
import { readDeletedId, readGroupBy, readListPage, readObjectMetadata, readRecord, readRecords } from './shapes.js';
import type { GroupByParams, GroupByRow, ListPage, ListParams, ObjectMetadata, ObjectPlural, TwentyClient, TwentyRecord, UpstreamCallEvent } from './types.js';
import { isUuid } from './filter-values.js';
import { fieldsVerdict, type FieldsSupport } from './fields-param.js';
import type { BffError } from '../errors.js';

export interface TransportOptions {
  /** e.g. 'http://127.0.0.1:3001' or 'https://api.twenty.com' (REST paths are `${baseUrl}/rest/...`). */
  baseUrl: string;
  /** Deadline per attempt, headers and body together. @default 10000 */
  timeoutMs?: number;
  /** Retries of a GET after the first attempt. @default 3 */
  maxRetries?: number;
  /** Backoff base: attempt n waits about base·2ⁿ. @default 100 */
  retryBaseMs?: number;
  /** Longest Retry-After honoured before giving up with RateLimitedError. @default 10000 */
  maxRetryAfterMs?: number;
  /** undici pool size. @default 32 */
  connections?: number;
  /** Process-wide hook, once per HTTP attempt (metrics). */
  onCall?: (event: UpstreamCallEvent) => void;
}

export interface TwentyTransport {
  /** A client bound to one caller's token; `onCall` is the per-request hook (debug extension). */
  clientFor(token: string, hooks?: { onCall?: (event: UpstreamCallEvent) => void }): TwentyClient;
  close(): Promise<void>;
}

/** Current Twenty clamps `limit` to 200, older servers to 60 (§3). */
const CURRENT_PAGE_LIMIT = 200;
const OLDER_PAGE_LIMIT = 60;

/** What a transport learns about its server, shared by every client it makes. */
interface ServerFacts {
  pageLimit: number;
  pageLimitKnown: boolean;
  restoreRoute: 'unknown' | 'current' | 'older';
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
  const http = new Http({
    baseUrl: options.baseUrl,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 10_000, 1),
    maxRetries: Math.floor(positive('maxRetries', options.maxRetries, 3)),
    retryBaseMs: positive('retryBaseMs', options.retryBaseMs, 100),
    maxRetryAfterMs: positive('maxRetryAfterMs', options.maxRetryAfterMs, 10_000),
    connections: Math.floor(positive('connections', options.connections, 32, 1)),
    onCall: options.onCall,
  });
  const facts: ServerFacts = { pageLimit: CURRENT_PAGE_LIMIT, pageLimitKnown: false, restoreRoute: 'unknown', fields: 'unknown' };
  return {
    clientFor(token, hooks) {
      if (typeof token !== 'string' || token === '') throw new TypeError('clientFor needs a non-empty token');
      return new Client(http, facts, token, hooks?.onCall);
    },
    close: () => http.close(),
  };
}

class Client implements TwentyClient {
  constructor(
    private readonly http: Http,
    private readonly facts: ServerFacts,
    private readonly token: string,
    private readonly onCall?: (event: UpstreamCallEvent) => void,
  ) {}

  private send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', object: string, path: string, body?: unknown) {
    return this.http.send({ method, object, path, body, token: this.token, onCall: this.onCall });
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

  async groupBy(object: ObjectPlural, params: GroupByParams): Promise<GroupByRow[]> {
    assertObjectPlural(object);
    const query = queryString({
      group_by: JSON.stringify(params.groupBy),
      aggregate: JSON.stringify(params.aggregate),
      filter: params.filter,
      limit: params.limit === undefined ? undefined : String(params.limit),
    });
    let answer;
    try {
      answer = await this.send('GET', object, `/rest/${object}/groupBy${query}`);
    } catch (error) {
      // §1: servers older than late 2025 read `groupBy` as a record id and answer 400.
      if (error instanceof BadUserInputError && /'groupBy'/.test(error.message)) throw noGroupBy();
      throw error;
    }
    if (answer.status === 404) throw noGroupBy();
    return readGroupBy(answer.body);
  }

  async objectMetadata(): Promise<ObjectMetadata[]> {
    const answer = await this.send('GET', 'metadata', '/rest/metadata/objects');
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

function checkId(id: string): void {
  // §1: Twenty answers 400 for a non-UUID id; saying so here saves a call and keeps ids out of paths.
  if (!isUuid(id)) throw new BadUserInputError(`"${String(id)}" is not a valid id (expected a UUID).`);
}

const noGroupBy = () => new UpstreamError('This Twenty server has no groupBy (it needs a version from late 2025 or newer).');

const notFound = (object: ObjectPlural, id: string) => new NotFoundError(`No ${object} record with id ${id}.`, { id });

/** Twenty's own 404 for a missing record, as opposed to a framework 404 for an unknown route (§8). */
function isRecordNotFound(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const text = JSON.stringify(body);
  return /record/i.test(text) && !/cannot (patch|get|post|delete)/i.test(text);
}
