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

/** The record this request already holds for `id` (no REST call), or null. */
export function cachedRecord(ctx: RequestContext, object: WritableObject, id: string): TwentyRecord | null {
  return ctx.loaders.byId(object.plural).peek(id) ?? null;
}

/** After join records (noteTargets, taskTargets) were written. */
export function forgetRelations(ctx: RequestContext, plural: ObjectPlural): void {
  ctx.loaders.invalidate(plural);
}
