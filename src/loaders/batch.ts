import { andFilters, idInFilter, type BuiltFilter } from '../twenty/filter.js';
import { isUuid } from '../twenty/filter-values.js';
import { chunkKeys, listRest, tooManyRelated } from '../twenty/paging.js';
import { readRestInParallel } from '../twenty/parallel-pages.js';
import type { ListPage, ListParams, ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { idKey } from './by-id.js';

/**
 * A further condition on the records a loader fetches, on top of its key field. `key` names the
 * query for the loader cache: two queries with the same key must select the same records in the
 * same order (so it is built from the GraphQL filter input and order, not from `filter`, which
 * may be a superset with a `residual`).
 */
export interface RecordQuery {
  key: string;
  filter?: string;
  /** Records matching `filter` must also pass this (see `buildFilter`). */
  residual?: (record: TwentyRecord) => boolean;
  orderBy?: string;
  /** Relations at depth 1 (§6) come with the records; set by the plan, not part of `key`. */
  depth?: 1;
  /** Pages past the first read in parallel (twenty/parallel-pages.ts), in id order only. */
  parallelPages?: boolean;
  /** Only these fields (§13), the same for every read of the object in the operation. */
  fields?: readonly string[];
}

export const NO_QUERY: RecordQuery = { key: '' };

/** The keys of one chunk and what their list returned (or why it failed). */
export interface FetchedChunk {
  keys: string[];
  result: TwentyRecord[] | Error;
  /**
   * The batch went past its `maxRecords` after the first pages (`result` is then the refusal):
   * a chunk of one key keeps its first page to go on from.
   */
  cut?: { first?: ListPage };
}

/**
 * Every record whose `field` is one of `keys` (and that matches `query`), in chunks of at most
 * the server's page limit keys (and a URL that stays short), one `field[in]:[…]` list per chunk,
 * each paged until complete (see `fetchChunks`).
 */
export async function fetchByKeys(
  client: TwentyClient,
  object: ObjectPlural,
  field: string,
  keys: readonly string[],
  query: RecordQuery,
  maxRecords = Infinity,
): Promise<FetchedChunk[]> {
  const chunks = chunkKeys(uuidKeys(keys), await client.pageLimit());
  return fetchChunks(client, object, chunks.map((chunk) => ({ keys: chunk, filter: idInFilter(field, chunk) })), query, maxRecords);
}

/**
 * The keys worth a call, once each: ids that are not UUIDs can match nothing (Twenty would answer
 * 400, §1), so they never go upstream; Twenty answers with lowercase UUIDs, and keys are matched
 * against them (byKeyResults, groupedResults).
 */
export const uuidKeys = (keys: readonly string[]): string[] => [...new Set(keys.filter(isUuid).map(idKey))];

/** The keys of one call and the filter that selects their records (a superset when it has a `residual`). */
export interface KeyChunk {
  keys: string[];
  filter: BuiltFilter | string;
}

/**
 * What a single parent's relation reads (`company(id) { people(first: 10) }`) when pooled with
 * the same relation of other single parents (shared.ts): every record of the keys' filter, as a
 * relation batch reads them, but only where that costs no more calls than each parent's own
 * page. One key alone reads a first page of `wanted` records (its own page, exactly) and goes on
 * only while the records stay within `wanted`; several keys read whole pages and go on while the
 * records stay within a page (or `wanted`, if more) per key and `maxRecords`. Past that the
 * batch is cut (`FetchedChunk.cut`): a lone key keeps its first page to go on from by cursor,
 * several keys each read their own page.
 */
export async function fetchOneParentPages(
  client: TwentyClient,
  object: ObjectPlural,
  field: string,
  keys: readonly string[],
  query: RecordQuery,
  wanted: number,
  maxRecords: number,
): Promise<FetchedChunk[]> {
  const limit = await client.pageLimit();
  const unique = uuidKeys(keys);
  const chunks = chunkKeys(unique, limit).map((chunk) => ({ keys: chunk, filter: idInFilter(field, chunk) }));
  if (unique.length === 1) return fetchChunks(client, object, chunks, query, wanted, Math.min(limit, wanted));
  const fetched = await fetchChunks(client, object, chunks, query, Math.min(maxRecords, Math.max(wanted, limit) * unique.length));
  // A lone key's page read here is a full page (the last chunk of many keys): its parent's own
  // first page only when the parent asks at least that many; else the parent reads its own.
  return wanted >= limit ? fetched : fetched.map((chunk) => (chunk.cut ? { ...chunk, cut: {} } : chunk));
}

/**
 * The records of each chunk's filter ANDed with `query`, each chunk paged until complete. The
 * chunks run concurrently; one failing chunk fails only its own keys, so the caller gets
 * `Map<key chunk, records | Error>` back.
 *
 * `maxRecords` caps the whole batch: the first pages of all chunks are read together and their
 * `totalCount`s (which count every match, §2) decide, before any further page, whether the batch
 * may go on; past the cap every key fails with the same BadUserInputError, marked `cut`.
 * `firstLimit` sizes the first pages (the page limit by default).
 */
export async function fetchChunks(
  client: TwentyClient,
  object: ObjectPlural,
  chunks: readonly KeyChunk[],
  query: RecordQuery,
  maxRecords = Infinity,
  firstLimit?: number,
): Promise<FetchedChunk[]> {
  const limit = firstLimit ?? (await client.pageLimit());
  const firsts = await Promise.all(
    chunks.map(async (chunk): Promise<FirstPage | FetchedChunk> => {
      try {
        const { filter, residual } = andFilters(chunk.filter, { filter: query.filter, residual: query.residual });
        const params: ListParams = { filter, orderBy: query.orderBy, limit, depth: query.depth, fields: query.fields };
        return { keys: chunk.keys, params, residual, page: await client.list(object, params) };
      } catch (error) {
        return { keys: chunk.keys, result: asError(error) };
      }
    }),
  );
  let total = 0;
  let more = false;
  for (const first of firsts) {
    if (!('page' in first)) continue;
    total += first.page.totalCount;
    if (first.page.pageInfo.hasNextPage && first.page.records.length > 0) more = true;
  }
  // Records already in hand cost nothing more: refuse only what would need further calls.
  if (more && total > maxRecords) {
    const error = tooManyRelated(object, total, maxRecords);
    return firsts.map((first) => {
      if (!('page' in first)) return { keys: first.keys, result: error, cut: {} };
      const kept = first.keys.length === 1 && first.residual === undefined ? { first: first.page } : {};
      return { keys: first.keys, result: error, cut: kept };
    });
  }
  return Promise.all(
    firsts.map(async (first): Promise<FetchedChunk> => {
      if (!('page' in first)) return first;
      try {
        // Pages past the first at once, from cursors the BFF builds (id order only, exact filters only).
        const parallel = query.parallelPages && query.orderBy === undefined && first.residual === undefined;
        const result = parallel
          ? [...first.page.records, ...(await readRestInParallel(client, object, first.params, first.page))]
          : await listRest(client, object, first.params, first.page, first.residual);
        return { keys: first.keys, result };
      } catch (error) {
        return { keys: first.keys, result: asError(error) };
      }
    }),
  );
}

/** A chunk whose first page is read, the rest not yet. */
interface FirstPage {
  keys: string[];
  params: ListParams;
  residual?: (record: TwentyRecord) => boolean;
  page: ListPage;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** DataLoader's contract for a to-one key: each key gets its record, null, or its chunk's error. */
export function byKeyResults(
  keys: readonly string[],
  chunks: FetchedChunk[],
  field = 'id',
): Array<TwentyRecord | null | Error> {
  const found = new Map<string, TwentyRecord | Error>();
  for (const { keys: chunkKeys, result } of chunks) {
    if (result instanceof Error) for (const key of chunkKeys) found.set(key, result);
    else for (const record of result) found.set(idKey(String(record[field])), record);
  }
  return keys.map((key) => found.get(idKey(key)) ?? null);
}

/** DataLoader's contract for a to-many key: each key gets its records in server order, or its chunk's error. */
export function groupedResults(
  keys: readonly string[],
  chunks: FetchedChunk[],
  field: string,
): Array<TwentyRecord[] | Error> {
  const groups = new Map<string, TwentyRecord[] | Error>();
  for (const { keys: chunkKeys, result } of chunks) {
    if (result instanceof Error) {
      for (const key of chunkKeys) groups.set(key, result);
      continue;
    }
    for (const key of chunkKeys) groups.set(key, []);
    for (const record of result) {
      const group = groups.get(idKey(String(record[field])));
      if (Array.isArray(group)) group.push(record);
    }
  }
  return keys.map((key) => groups.get(idKey(key)) ?? []);
}
