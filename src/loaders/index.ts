import DataLoader from 'dataloader';
import { createReportGroupLoaders } from './report-groups.js';
import { RELATION_SCAN_LIMIT } from '../twenty/paging.js';
import type { ListPage, ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { byKeyResults, groupedResults, NO_QUERY, type FetchedChunk, type RecordQuery } from './batch.js';
import { ByIdLoader, idKey } from './by-id.js';
import { byValueResults, fetchByValues, type ValueKey } from './by-value.js';
import { countByKeys } from './count.js';
import { readKeys, type FetchByKeys } from './shared.js';

export { NO_QUERY, type RecordQuery } from './batch.js';

/** Which loader is reading, for the plan's read options: by id, by foreign key, or filtered ids. */
export type LoaderSite =
  | { kind: 'byId'; object: ObjectPlural }
  | { kind: 'ids'; object: ObjectPlural; queryKey: string }
  | { kind: 'fk'; object: ObjectPlural; field: string; queryKey: string };
export type { ByIdLoader } from './by-id.js';
export type { ValueKey } from './by-value.js';

/** A single parent's relation the pooled read did not take whole: the parent's first page, if read alone. */
export interface CutRelation {
  cut: ListPage | undefined;
}

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
 * - `ofOneParent(object, field, query, wanted)`: the same for single parents, each asking
 *   `wanted` records, read whole only where that costs no more calls than a page each.
 * - `countByForeignKey(object, field, query)`: per parent id, how many records `byForeignKey`
 *   would give, counted by Twenty (groupBy) rather than read.
 * Every record any of them (or a list resolver, through `prime`) sees is primed into `byId`, and
 * a by-id batch first waits for the lists of its object still in flight: a person loaded as a
 * company's employee is not fetched again as an opportunity's point of contact.
 * Reports under a list of parents batch through `reportGroups(reportKey, batch)` (report-groups.ts).
 * `invalidate(object)` drops every relation, filtered and report loader of an object after a write.
 * Ids are matched case-insensitively (Twenty's UUIDs are lowercase; callers may not be).
 * One `byForeignKey` batch reads at most `relationScanLimit` records (RELATION_SCAN_LIMIT).
 */
export function createLoaders(
  client: TwentyClient,
  options: {
    relationScanLimit?: number;
    /** How a loader's reads go beyond its query (depth=1 for nested relations), asked at each batch. */
    readOptions?: (site: LoaderSite) => Pick<RecordQuery, 'depth' | 'parallelPages' | 'fields'> | undefined;
    /** When a batch is sent (DataLoader's `batchScheduleFn`); DataLoader's own tick by default. */
    schedule?: (site: LoaderSite, callback: () => void) => void;
    /** Told of each batch's calls while they are in flight. */
    track?: (site: LoaderSite, call: Promise<unknown>) => void;
    /** How by-key reads are made: pooled with the key's other operations (shared.ts), or alone. */
    fetchKeys?: FetchByKeys;
  } = {},
) {
  const fetchKeys: FetchByKeys = options.fetchKeys ?? readKeys;
  const scheduling = (site: LoaderSite) =>
    options.schedule ? { batchScheduleFn: (callback: () => void) => options.schedule!(site, callback) } : {};
  const relationScanLimit = options.relationScanLimit ?? RELATION_SCAN_LIMIT;
  /** The query a batch sends: the loader's own, plus what the plan asks for this loader. */
  const reading = (query: RecordQuery, site: LoaderSite): RecordQuery => {
    const extra = options.readOptions?.(site);
    return extra ? { ...query, ...extra } : query;
  };
  const byIdLoaders = new Map<ObjectPlural, ByIdLoader>();
  const queryLoaders = new Map<string, DataLoader<string, TwentyRecord | null>>();
  const fkLoaders = new Map<string, DataLoader<string, TwentyRecord[]>>();
  const countLoaders = new Map<string, DataLoader<string, number>>();
  const inFlight = new Map<ObjectPlural, Set<Promise<unknown>>>();
  const reports = createReportGroupLoaders();

  /** Runs a list fetch of `object`, primes what it returns, and lets by-id batches wait for it. */
  async function listing(site: LoaderSite, fetch: () => Promise<FetchedChunk[]>): Promise<FetchedChunk[]> {
    const { object } = site;
    const pending = fetch();
    options.track?.(site, pending);
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
      const site: LoaderSite = { kind: 'byId', object };
      loader = new ByIdLoader(
        known,
        async (ids) => {
          await settle(object);
          const missing = ids.map(idKey).filter((id) => !known.has(id));
          const query = reading(NO_QUERY, site);
          const chunks = missing.length === 0 ? [] : await listing(site, () => fetchKeys({ client, object, field: 'id', keys: missing, query, maxRecords: Infinity }));
          const fetched = byKeyResults(missing, chunks);
          const results = new Map(missing.map((id, i) => [id, fetched[i]]));
          // A copy primed while this batch was in flight serves as well, unless the batch read at
          // depth 1: a record nested in another answer lacks the relations it expands (§6).
          if (query.depth === 1) return ids.map((id) => results.get(idKey(id)) ?? known.get(idKey(id)) ?? null);
          return ids.map((id) => known.get(idKey(id)) ?? results.get(idKey(id)) ?? null);
        },
        scheduling(site),
      );
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
      const site: LoaderSite = { kind: 'ids', object, queryKey: query.key };
      loader = new DataLoader(
        async (ids) => {
          const chunks = await listing(site, () => fetchKeys({ client, object, field: 'id', keys: ids, query: reading(query, site), maxRecords: Infinity }));
          return byKeyResults(ids, chunks);
        },
        { cacheKeyFn: idKey, ...scheduling(site) },
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
          const site: LoaderSite = { kind: 'ids', object, queryKey: `value:${key.field}.${key.subField}` };
          const chunks = await listing(site, () => fetchByValues(client, object, key, values));
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
      const site: LoaderSite = { kind: 'fk', object, field, queryKey: query.key };
      loader = new DataLoader(
        async (parentIds) => {
          const chunks = await listing(site, () =>
            fetchKeys({ client, object, field, keys: parentIds, query: reading(query, site), maxRecords: relationScanLimit }),
          );
          return groupedResults(parentIds, chunks, field);
        },
        { cacheKeyFn: idKey, ...scheduling(site) },
      );
      fkLoaders.set(cacheKey, loader);
    }
    return loader;
  }

  /**
   * The relation of single parents (`company(id) { people(first: 10) }`), each asking `wanted`
   * records: per parent, all its records when the read could take them whole (pooled with the
   * same relation of other single parents of the operation and of the key's concurrent
   * operations, shared.ts), else `{ cut }` with the first page of a parent read alone, for the
   * caller to page on from (or read itself, when there is none).
   */
  function ofOneParent(object: ObjectPlural, field: string, query: RecordQuery, wanted: number): DataLoader<string, TwentyRecord[] | CutRelation> {
    const cacheKey = `${object}\u0000${field}\u0000${query.key}\u0000one:${wanted}`;
    let loader = fkLoaders.get(cacheKey) as DataLoader<string, TwentyRecord[] | CutRelation> | undefined;
    if (!loader) {
      const site: LoaderSite = { kind: 'fk', object, field, queryKey: query.key };
      loader = new DataLoader(
        async (parentIds) => {
          const chunks = await listing(site, () =>
            fetchKeys({ client, object, field, keys: parentIds, query: reading(query, site), maxRecords: relationScanLimit, wanted }),
          );
          const cuts = new Map<string, CutRelation>();
          for (const chunk of chunks) if (chunk.cut) for (const key of chunk.keys) cuts.set(key, { cut: chunk.cut.first });
          const grouped = groupedResults(parentIds, chunks.filter((chunk) => !chunk.cut), field);
          return parentIds.map((id, i) => cuts.get(idKey(id)) ?? grouped[i]);
        },
        { cacheKeyFn: idKey, ...scheduling(site) },
      );
      fkLoaders.set(cacheKey, loader as unknown as DataLoader<string, TwentyRecord[]>);
    }
    return loader;
  }

  /**
   * Per parent key, how many records of `object` have it as their `field` and match `query`:
   * one grouped count per chunk of keys (count.ts); where the server cannot count that way, the
   * records themselves through `byForeignKey`. The query must have no residual (§4).
   */
  function countByForeignKey(object: ObjectPlural, field: string, query: RecordQuery = NO_QUERY): DataLoader<string, number> {
    const cacheKey = `${object}\u0000${field}\u0000${query.key}\u0000count`;
    let loader = countLoaders.get(cacheKey);
    if (!loader) {
      loader = new DataLoader(
        async (parentIds) => {
          const counts = await countByKeys(client, object, field, parentIds, query);
          if (counts) return parentIds.map((id) => counts.get(idKey(id)) ?? 0);
          const records = await byForeignKey(object, field, query).loadMany(parentIds);
          return records.map((result) => (result instanceof Error ? result : result.length));
        },
        { cacheKeyFn: idKey },
      );
      countLoaders.set(cacheKey, loader);
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
    for (const map of [fkLoaders, queryLoaders, countLoaders] as Array<Map<string, unknown>>) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
    }
    reports.invalidate(object);
  }

  return { byId, byForeignKey, ofOneParent, countByForeignKey, matchingIds, byValue, prime, invalidate, reportGroups: reports.reportGroups };
}
