import DataLoader from 'dataloader';
import { createReportGroupLoaders } from './report-groups.js';
import { RELATION_SCAN_LIMIT } from '../twenty/paging.js';
import type { ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { byKeyResults, fetchByKeys, groupedResults, NO_QUERY, type FetchedChunk, type RecordQuery } from './batch.js';
import { ByIdLoader, idKey } from './by-id.js';
import { byValueResults, fetchByValues, type ValueKey } from './by-value.js';

export { NO_QUERY, type RecordQuery } from './batch.js';
export type { ByIdLoader } from './by-id.js';
export type { ValueKey } from './by-value.js';

/**
 * The request's loaders (STYLE.md practice 4), bound to the caller's client and discarded with
 * the request, so nothing cached here can reach another token. Each relation costs one REST call
 * per page of the records it needs, never one per parent.
 *
 * - `byId(object)`: one record per id (`id[in]:[…]`), null when it does not exist.
 * - `byForeignKey(object, field, query)`: the records whose `field` (`companyId`,
 *   `pointOfContactId`, `targetCompanyId`, …) equals each parent id, paged until complete.
 * - `matchingIds(object, query)`: per id, the record if it matches `query`, else null (a filtered
 *   relation reached through targets).
 * - `byValue(object, key)`: one record per value of an identifying sub-field (a person's primary
 *   email, a company's domain: `emails.primaryEmail[in]:[…]`), null when none has it.
 * Every record any of them (or a list resolver, through `prime`) sees is primed into `byId`, and
 * a by-id batch first waits for the lists of its object still in flight: a person loaded as a
 * company's employee is not fetched again as an opportunity's point of contact.
 * Reports under a list of parents batch through `reportGroups(reportKey, batch)` (report-groups.ts).
 * `invalidate(object)` drops every relation, filtered and report loader of an object after a write.
 * Ids are matched case-insensitively (Twenty's UUIDs are lowercase; callers may not be).
 * One `byForeignKey` batch reads at most `relationScanLimit` records (RELATION_SCAN_LIMIT).
 */
export function createLoaders(client: TwentyClient, options: { relationScanLimit?: number } = {}) {
  const relationScanLimit = options.relationScanLimit ?? RELATION_SCAN_LIMIT;
  const byIdLoaders = new Map<ObjectPlural, ByIdLoader>();
  const queryLoaders = new Map<string, DataLoader<string, TwentyRecord | null>>();
  const fkLoaders = new Map<string, DataLoader<string, TwentyRecord[]>>();
  const inFlight = new Map<ObjectPlural, Set<Promise<unknown>>>();
  const reports = createReportGroupLoaders();

  /** Runs a list fetch of `object`, primes what it returns, and lets by-id batches wait for it. */
  async function listing(object: ObjectPlural, fetch: () => Promise<FetchedChunk[]>): Promise<FetchedChunk[]> {
    const pending = fetch();
    let set = inFlight.get(object);
    if (!set) inFlight.set(object, (set = new Set()));
    set.add(pending);
    try {
      const chunks = await pending;
      for (const { result } of chunks) if (!(result instanceof Error)) prime(object, result);
      return chunks;
    } finally {
      set.delete(pending);
    }
  }

  async function settle(object: ObjectPlural): Promise<void> {
    const set = inFlight.get(object);
    while (set && set.size > 0) await Promise.allSettled([...set]);
  }

  function byId(object: ObjectPlural): ByIdLoader {
    let loader = byIdLoaders.get(object);
    if (!loader) {
      const known = new Map<string, TwentyRecord>();
      loader = new ByIdLoader(known, async (ids) => {
        await settle(object);
        const missing = ids.map(idKey).filter((id) => !known.has(id));
        const chunks = missing.length === 0 ? [] : await listing(object, () => fetchByKeys(client, object, 'id', missing, NO_QUERY));
        const fetched = byKeyResults(missing, chunks);
        const results = new Map(missing.map((id, i) => [id, fetched[i]]));
        return ids.map((id) => known.get(idKey(id)) ?? results.get(idKey(id)) ?? null);
      });
      byIdLoaders.set(object, loader);
    }
    return loader;
  }

  /** Soft-deleted records (seen only by filters on `deletedAt`, §4) are not primed: `id[in]` would not return them. */
  function prime(object: ObjectPlural, records: readonly TwentyRecord[]): void {
    const loader = byId(object);
    for (const record of records) if (!record.deletedAt) loader.prime(record.id, record);
  }

  function matchingIds(object: ObjectPlural, query: RecordQuery): DataLoader<string, TwentyRecord | null> {
    if (!query.key) return byId(object);
    const cacheKey = `${object}\u0000${query.key}`;
    let loader = queryLoaders.get(cacheKey);
    if (!loader) {
      loader = new DataLoader(
        async (ids) => {
          const chunks = await listing(object, () => fetchByKeys(client, object, 'id', ids, query));
          return byKeyResults(ids, chunks);
        },
        { cacheKeyFn: idKey },
      );
      queryLoaders.set(cacheKey, loader);
    }
    return loader;
  }

  function byValue(object: ObjectPlural, key: ValueKey): DataLoader<string, TwentyRecord | null> {
    // In the filtered loaders' map, so that `invalidate` drops it too; `\u0001` keeps it apart from query keys.
    const cacheKey = `${object}\u0000\u0001${key.field}.${key.subField}`;
    let loader = queryLoaders.get(cacheKey);
    if (!loader) {
      loader = new DataLoader(
        async (values) => {
          const chunks = await listing(object, () => fetchByValues(client, object, key, values));
          return byValueResults(values, chunks, key);
        },
        { cacheKeyFn: key.normalise },
      );
      queryLoaders.set(cacheKey, loader);
    }
    return loader;
  }

  function byForeignKey(
    object: ObjectPlural,
    field: string,
    query: RecordQuery = NO_QUERY,
  ): DataLoader<string, TwentyRecord[]> {
    const cacheKey = `${object}\u0000${field}\u0000${query.key}`;
    let loader = fkLoaders.get(cacheKey);
    if (!loader) {
      loader = new DataLoader(
        async (parentIds) => {
          const chunks = await listing(object, () =>
            fetchByKeys(client, object, field, parentIds, query, relationScanLimit),
          );
          return groupedResults(parentIds, chunks, field);
        },
        { cacheKeyFn: idKey },
      );
      fkLoaders.set(cacheKey, loader);
    }
    return loader;
  }

  /**
   * After a write to `object`: its relation and filtered loaders (whatever their query) are
   * dropped, so later reads in the request fetch again. By-id entries stay; writers clear and
   * prime those themselves.
   */
  function invalidate(object: ObjectPlural): void {
    const prefix = `${object}\u0000`;
    for (const map of [fkLoaders, queryLoaders] as Array<Map<string, unknown>>) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
    }
    reports.invalidate(object);
  }

  return { byId, byForeignKey, matchingIds, byValue, prime, invalidate, reportGroups: reports.reportGroups };
}
