import { andFilters, idInFilter } from '../twenty/filter.js';
import { chunkKeys } from '../twenty/paging.js';
import type { ObjectPlural, TwentyClient } from '../twenty/types.js';
import { uuidKeys, type RecordQuery } from './batch.js';
import { idKey } from './by-id.js';

/**
 * §7: groupBy answers at most 200 groups a call. Each chunk asks one group more than it has keys,
 * so that an answer with a group for every key is not taken as cut: the client calls an answer
 * complete only below what was asked (and below 50 on the first servers, which ignore `limit`).
 */
const MAX_GROUPS = 200;

/**
 * How many records of `object` have each key as their `field` (and match `query`), by one
 * grouped count per chunk of keys (§7: `group_by=[{"companyId":true}]`, `aggregate=["totalCount"]`)
 * instead of reading the records. This is the BFF's one use of groupBy for relation counts.
 *
 * Returns null when the server cannot count this way (no groupBy route, an answer that may be
 * cut, or any failure of it): the caller then counts the records themselves, as before groupBy existed.
 */
export async function countByKeys(
  client: TwentyClient,
  object: ObjectPlural,
  field: string,
  keys: readonly string[],
  query: RecordQuery,
): Promise<Map<string, number> | null> {
  const ids = uuidKeys(keys);
  const chunks = chunkKeys(ids, Math.min(await client.pageLimit(), MAX_GROUPS - 1));
  try {
    const answers = await Promise.all(
      chunks.map(async (chunk) => {
        const answer = await client.groupBy(object, {
          groupBy: [{ [field]: true }],
          aggregate: ['totalCount'],
          filter: andFilters(idInFilter(field, chunk), query.filter).filter,
          limit: chunk.length + 1,
        });
        return answer.supported && answer.complete ? answer.rows : null;
      }),
    );
    const counts = new Map<string, number>();
    for (const rows of answers) {
      if (rows === null) return null;
      for (const row of rows) {
        const key = row.groupByDimensionValues[0];
        // §7: aggregates are raw database values, big numbers as strings.
        if (typeof key === 'string') counts.set(idKey(key), Number(row.totalCount));
      }
    }
    return counts;
  } catch {
    return null;
  }
}
