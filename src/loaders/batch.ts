import { andFilters, idInFilter } from '../twenty/filter.js';
import { chunkKeys, listAll } from '../twenty/paging.js';
import type { ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';

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
}

export const NO_QUERY: RecordQuery = { key: '' };

/** The keys of one chunk and what their list returned (or why it failed). */
export interface FetchedChunk {
  keys: string[];
  result: TwentyRecord[] | Error;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids Twenty would reject with 400 (§1: not a valid UUID) can match nothing; they never go upstream. */
export const isUuid = (id: string): boolean => UUID.test(id);

/**
 * Every record whose `field` is one of `keys` (and that matches `query`), in chunks of at most
 * the server's page limit keys (and a URL that stays short), one `field[in]:[…]` list per chunk,
 * each paged until complete. The chunks run concurrently; one failing chunk fails only its own
 * keys, so the caller gets `Map<key chunk, records | Error>` back.
 */
export async function fetchByKeys(
  client: TwentyClient,
  object: ObjectPlural,
  field: string,
  keys: readonly string[],
  query: RecordQuery,
): Promise<FetchedChunk[]> {
  const limit = await client.pageLimit();
  const chunks = chunkKeys(keys.filter(isUuid), limit);
  return Promise.all(
    chunks.map(async (chunk: string[]) => {
      try {
        const { filter } = andFilters(idInFilter(field, chunk), query.filter);
        const params = { filter, orderBy: query.orderBy, limit };
        return { keys: chunk, result: await listAll(client, object, params, query.residual) };
      } catch (error) {
        return { keys: chunk, result: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}

/** DataLoader's contract for a to-one key: each key gets its record, null, or its chunk's error. */
export function byKeyResults(
  keys: readonly string[],
  chunks: FetchedChunk[],
  field = 'id',
): Array<TwentyRecord | null | Error> {
  const found = new Map<string, TwentyRecord | Error>();
  for (const { keys: chunkKeys, result } of chunks) {
    if (result instanceof Error) for (const key of chunkKeys) found.set(key, result);
    else for (const record of result) found.set(String(record[field]), record);
  }
  return keys.map((key) => found.get(key) ?? null);
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
      const group = groups.get(String(record[field]));
      if (Array.isArray(group)) group.push(record);
    }
  }
  return keys.map((key) => groups.get(key) ?? []);
}
