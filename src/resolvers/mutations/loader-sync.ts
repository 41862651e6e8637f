import type { RequestContext } from '../../context.js';
import type { ObjectPlural, TwentyRecord } from '../../twenty/types.js';
import type { WritableObject } from './objects.js';

/**
 * Keeps the request's loaders in step with its writes. Mutation fields run one after another,
 * so a later field (or a relation under it) may read what an earlier one wrote: relation and
 * filtered loaders of the written object are dropped, and its by-id entries are replaced
 * (DataLoader's `prime` never overwrites a cached key, hence clear-then-prime).
 */

/** After a create/update/restore: later reads in the same request see the written records. */
export function rememberRecords(ctx: RequestContext, object: WritableObject, records: TwentyRecord[]): void {
  const byId = ctx.loaders.byId(object.plural);
  for (const record of records) byId.clear(record.id);
  ctx.loaders.prime(object.plural, records);
  ctx.loaders.invalidate(object.plural);
}

/** After a delete or destroy: the record is no longer served from the request's cache. */
export function forgetRecord(ctx: RequestContext, object: WritableObject, id: string): void {
  ctx.loaders.byId(object.plural).clear(id);
  ctx.loaders.invalidate(object.plural);
}

const NOT_CACHED = Object.freeze({ id: '' }) as TwentyRecord;

/**
 * The record this request already holds for `id`, without a REST call: DataLoader's `prime`
 * leaves a cached key alone, so priming a placeholder and loading returns the cached entry when
 * there is one and the placeholder otherwise (the placeholder is then cleared again). Null when
 * nothing was cached, or when the cached load failed or found nothing.
 */
export async function cachedRecord(ctx: RequestContext, object: WritableObject, id: string): Promise<TwentyRecord | null> {
  const byId = ctx.loaders.byId(object.plural);
  // A promise, so ByIdLoader does not take the placeholder into its `known` records.
  byId.prime(id, Promise.resolve(NOT_CACHED));
  try {
    const record = await byId.load(id);
    if (record !== NOT_CACHED) return record;
    byId.clear(id);
    return null;
  } catch {
    return null;
  }
}

/** After join records (noteTargets, taskTargets) were written. */
export function forgetRelations(ctx: RequestContext, plural: ObjectPlural): void {
  ctx.loaders.invalidate(plural);
}
