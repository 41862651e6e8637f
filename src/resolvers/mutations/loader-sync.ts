import type { RequestContext } from '../../context.js';
import type { ObjectPlural, TwentyRecord } from '../../twenty/types.js';
import type { WritableObject } from './objects.js';

/**
 * Keeps the request's loaders in step with its writes. Mutation fields run one after another,
 * so a later field (or a relation under it) may read what an earlier one wrote; DataLoader's
 * `prime` never overwrites a cached key, hence clear-then-prime.
 */

/** After a create/update/restore: later reads in the same request see the written record. */
export function rememberRecords(ctx: RequestContext, object: WritableObject, records: TwentyRecord[]): void {
  const byId = ctx.loaders.byId(object.plural);
  for (const record of records) byId.clear(record.id);
  ctx.loaders.prime(object.plural, records);
  forgetRelations(ctx, object.plural, foreignKeys(object));
}

/** After a delete or destroy: the record is no longer served from the request's cache. */
export function forgetRecord(ctx: RequestContext, object: WritableObject, id: string): void {
  ctx.loaders.byId(object.plural).clear(id);
  forgetRelations(ctx, object.plural, foreignKeys(object));
}

/** After targets were written: relations read through noteTargets / taskTargets are reloaded. */
export function forgetRelations(ctx: RequestContext, plural: ObjectPlural, fields: string[]): void {
  // Only the unfiltered loaders are reachable: createLoaders keys filtered ones by their query and
  // offers no way to drop them all, so a filtered relation read before the write stays as read.
  for (const field of fields) ctx.loaders.byForeignKey(plural, field).clearAll();
}

const foreignKeys = (object: WritableObject): string[] =>
  Object.entries(object.fields)
    .filter(([, kind]) => kind === 'id')
    .map(([field]) => field);
