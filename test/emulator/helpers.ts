/**
 * Shared testkit for the emulator conformance suite: start an emulator on port 0 with an
 * in-memory database, talk to it over real HTTP, and page through whole collections so that
 * expected answers can be computed in the test instead of being hard-coded.
 */
import { expect } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export type { Emulator, EmulatorOptions };

/** A record as the emulator returns it; tests read arbitrary fields from it. */
export type Rec = Record<string, any>;

/**
 * Starts an emulator for one test file. Rate limits are off unless the caller asks for them
 * (a conformance file sends far more than 100 requests a minute), and the demo is small so
 * that startup stays fast.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ dbFile: ':memory:', rateLimit: false, companies: 20, seed: 42, ...options });
}

/** The server root, whether or not `url` already ends in `/rest`. */
export function baseUrl(em: Emulator): string {
  return em.url.replace(/\/+$/, '').replace(/\/rest$/, '');
}

export interface RestOptions {
  method?: string;
  /** API key; defaults to acme's. `null` sends no Authorization header at all. */
  key?: string | null;
  /** JSON body; a string is sent as is (to send malformed JSON). */
  body?: unknown;
  signal?: AbortSignal;
}

export interface RestResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any;
  text: string;
}

/** One real HTTP request to the emulator. `path` starts with `/rest/` or `/_emulator/`. */
export async function rest(em: Emulator, path: string, options: RestOptions = {}): Promise<RestResponse> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? em.keys.acme : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(baseUrl(em) + path, {
    method: options.method ?? 'GET',
    headers,
    body: payload,
    signal: options.signal,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * Builds a query string with every value percent-encoded (filters hold `[`, `]`, `,`, quotes
 * and parentheses). Undefined values are skipped; an array repeats the key.
 */
export function qs(params: Record<string, string | number | boolean | undefined | Array<string | number>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** GET a list and return its body, failing loudly on a non-200 so tests read cleanly. */
export async function list(
  em: Emulator,
  plural: string,
  params: Record<string, string | number | undefined> = {},
  key?: string | null,
): Promise<{ records: Rec[]; totalCount: number; pageInfo: Rec; body: Rec }> {
  const res = await rest(em, `/rest/${plural}${qs(params)}`, { key });
  if (res.status !== 200) {
    throw new Error(`GET /rest/${plural}${qs(params)} → ${res.status} ${res.text}`);
  }
  return { records: res.body.data[plural], totalCount: res.body.totalCount, pageInfo: res.body.pageInfo, body: res.body };
}

/**
 * Every record matching `params` (filter, order_by), paged with starting_after at 200 a page.
 * Tests filter and sort this in plain code to compute what the emulator should answer.
 */
export async function fetchAll(
  em: Emulator,
  plural: string,
  params: Record<string, string | number | undefined> = {},
  key?: string | null,
): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await list(em, plural, { ...params, limit: 200, starting_after: cursor }, key);
    out.push(...page.records);
    if (!page.pageInfo.hasNextPage || page.records.length === 0) return out;
    cursor = page.pageInfo.endCursor;
  }
  throw new Error(`paging ${plural} never ended`);
}

/** Create records through `POST /rest/batch/{plural}` and return them. */
export async function createMany(em: Emulator, plural: string, records: Rec[], key?: string | null): Promise<Rec[]> {
  const res = await rest(em, `/rest/batch/${plural}`, { method: 'POST', body: records, key });
  if (res.status !== 201) throw new Error(`POST /rest/batch/${plural} → ${res.status} ${res.text}`);
  const created = Object.values(res.body.data)[0] as Rec[];
  return created;
}

/** Create one record through `POST /rest/{plural}` and return it. */
export async function createOne(em: Emulator, plural: string, record: Rec, key?: string | null): Promise<Rec> {
  const res = await rest(em, `/rest/${plural}`, { method: 'POST', body: record, key });
  if (res.status !== 201) throw new Error(`POST /rest/${plural} → ${res.status} ${res.text}`);
  return Object.values(res.body.data)[0] as Rec;
}

/** The cursor format of §3: standard base64 of JSON. */
export function encodeCursor(value: Rec): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

export function decodeCursor(cursor: string): Rec {
  return JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
}

/** Ids as a sorted list, for order-independent comparisons. */
export function ids(records: Rec[]): string[] {
  return records.map((r) => r.id as string).sort();
}

/** Code-point comparison: how UUIDs order as `id` ascending (§5 tie-breaker). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A short unique tag so records a test creates can be found again by name. */
export function tag(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Asserts a §8 error body: `{"statusCode":…,"error":…,"messages":[…]}` with the status echoed.
 * With `message`, `messages` must be exactly that one message; extra keys (`code`) are allowed.
 */
export function expectError(res: RestResponse, status: number, error: string, message?: string): void {
  expect({ status: res.status, statusCode: res.body?.statusCode, error: res.body?.error }, res.text).toEqual({
    status,
    statusCode: status,
    error,
  });
  expect(Array.isArray(res.body.messages), res.text).toBe(true);
  expect(res.body.messages.length, res.text).toBeGreaterThan(0);
  for (const m of res.body.messages) expect(typeof m).toBe('string');
  if (message !== undefined) expect(res.body.messages, res.text).toEqual([message]);
}

export function expectBadRequest(res: RestResponse, message?: string): void {
  expectError(res, 400, 'BadRequestException', message);
}
