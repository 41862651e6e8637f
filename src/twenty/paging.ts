/**
 * Paging helpers over TwentyClient (§3): read a whole result by following `starting_after`,
 * and split loader keys into `field[in]:[…]` calls that fit the page limit and a URL.
 */
import { BadUserInputError, UpstreamError } from '../errors.js';
import type { ListPage, ListParams, ObjectPlural, TwentyClient, TwentyRecord } from './types.js';

/**
 * The most candidate records a residual check may read (§4: a value Twenty cannot express is sent
 * as a wider pattern and checked here). 2,000 is 10 calls on current Twenty: past that the caller
 * is asked to narrow the filter rather than have one query spend the workspace's budget of 100
 * requests a minute (§9).
 */
export const RESIDUAL_SCAN_LIMIT = 2_000;

/**
 * The most records one relation batch may read (the people of every company on a page, say).
 * A batch reads every child of its parents whatever `first` says, since the page is cut per parent
 * in memory; 5,000 is 25 calls on current Twenty, a quarter of the workspace's budget of 100
 * requests a minute (§9). Past it the caller is asked for smaller parent pages instead.
 */
export const RELATION_SCAN_LIMIT = 5_000;

/**
 * Every record matching params, paging with starting_after at the server's page limit until
 * hasNextPage is false; applies `residual` if given, reading at most `maxScanned` candidates.
 */
export async function listAll(
  client: TwentyClient,
  object: ObjectPlural,
  params: ListParams,
  residual?: (r: TwentyRecord) => boolean,
  maxScanned = residual ? RESIDUAL_SCAN_LIMIT : Infinity,
): Promise<TwentyRecord[]> {
  const first = await client.list(object, { ...params, limit: await client.pageLimit(), endingBefore: undefined });
  return listRest(client, object, params, first, residual, maxScanned);
}

/**
 * `first` (the answer to `params`' first page) and every page after it, as `listAll`. Split out
 * so a caller can decide from several first pages at once before reading further.
 */
export async function listRest(
  client: TwentyClient,
  object: ObjectPlural,
  params: ListParams,
  first: ListPage,
  residual?: (r: TwentyRecord) => boolean,
  maxScanned = residual ? RESIDUAL_SCAN_LIMIT : Infinity,
): Promise<TwentyRecord[]> {
  const records: TwentyRecord[] = [];
  const seen = new Set<string>();
  let page = first;
  for (;;) {
    for (const record of page.records) if (!residual || residual(record)) records.push(record);
    if (!page.pageInfo.hasNextPage || page.records.length === 0) return records;
    // totalCount counts every candidate (§2), so the first page already tells whether we may go on.
    if (page.totalCount > maxScanned) throw tooBroad(object, maxScanned);
    const next = page.pageInfo.endCursor;
    // A server that says "more" without a new cursor would have us loop for ever.
    if (!next || seen.has(next)) throw new UpstreamError(`Twenty gave no usable cursor to page through ${object}.`);
    seen.add(next);
    // Asked each page: the first answer may reveal an older server's limit of 60 (client.ts).
    const limit = await client.pageLimit();
    page = await client.list(object, { ...params, limit, startingAfter: next, endingBefore: undefined });
  }
}

/** Refusal of a relation batch over `limit` records (see RELATION_SCAN_LIMIT). */
export function tooManyRelated(object: ObjectPlural, total: number, limit: number): BadUserInputError {
  return new BadUserInputError(
    `This relation would read ${total} ${object} (more than ${limit}) for the parents of one page, whatever "first" says: ` +
      `page the parents in smaller pages, or query the relation from a single parent (e.g. company(id) { people }), ` +
      `which reads only the page asked for.`,
    { relationLimit: limit, records: total },
  );
}

function tooBroad(object: ObjectPlural, maxScanned: number): BadUserInputError {
  return new BadUserInputError(
    `A filter value Twenty cannot express exactly (parentheses, both quote characters, …) is checked by the BFF, ` +
      `which would have to read more than ${maxScanned} ${object} for it: add a narrower condition.`,
    { candidateLimit: maxScanned },
  );
}

/**
 * Default URL budget for the keys of one call: a UUID is 36 characters plus an encoded comma
 * (`%2C`), so 200 ids take 7,800, which with the path and other parameters stays near 8 KB,
 * the smallest request-line limit common in front of Twenty (proxies, CDNs).
 */
export const DEFAULT_KEY_CHARS = 7_800;

const encodedSize = (key: unknown): number => encodeURIComponent(String(key)).length + 3;

/** Split keys into chunks so that each `field[in]:[…]` call fits the page limit and a safe URL length (~8 KB total URL). */
export function chunkKeys<T>(
  keys: readonly T[],
  maxPerChunk: number,
  maxChars: number = DEFAULT_KEY_CHARS,
  sizeOf: (k: T) => number = encodedSize,
): T[][] {
  if (!Number.isInteger(maxPerChunk) || maxPerChunk < 1) throw new TypeError(`chunkKeys: maxPerChunk must be a positive integer, got ${maxPerChunk}`);
  const chunks: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const key of keys) {
    const size = sizeOf(key);
    if (current.length > 0 && (current.length >= maxPerChunk || chars + size > maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(key);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
