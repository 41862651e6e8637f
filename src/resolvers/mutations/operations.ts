import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { buildFilter } from '../../twenty/filter.js';
import type { TwentyRecord } from '../../twenty/types.js';
import { getSelectOptions } from '../../workspace/metadata.js';
import { assertUuid } from './ids.js';
import { mapInput, type MappedInput, type OptionsLookup } from './input.js';
import { cachedRecord, forgetRecord, rememberRecords } from './loader-sync.js';
import type { WritableObject } from './objects.js';
import { checkTargetCount, createTargets, halfAppliedError } from './targets.js';

/**
 * The six writes, generic over the object table. Each checks its input completely before the
 * first REST call, then keeps the request's loaders in step with what it wrote, so a later field
 * of the same operation never reads a stale record.
 */

const optionsFor =
  (ctx: RequestContext): OptionsLookup =>
  (singular, field) =>
    getSelectOptions(ctx, singular, field);

export async function createOne(ctx: RequestContext, object: WritableObject, input: Record<string, unknown>) {
  const [record] = await createMany(ctx, object, [input]);
  return record;
}

export async function createMany(
  ctx: RequestContext,
  object: WritableObject,
  inputs: Array<Record<string, unknown>>,
): Promise<TwentyRecord[]> {
  if (inputs.length === 0) return [];
  const mapped: MappedInput[] = [];
  // One after another, so the error reported is the first bad input's, every time.
  for (const input of inputs) mapped.push(await mapInput(object, input, 'create', optionsFor(ctx)));
  checkTargetCount(object, mapped.reduce((sum, { targets }) => sum + targets.length, 0));
  // Records that get targets carry an id chosen here, so targets are matched by id, not by position.
  for (const { body, targets } of mapped) if (targets.length > 0 && body.id === undefined) body.id = randomUUID();
  const bodies = mapped.map(({ body }) => body);
  const records =
    bodies.length === 1 ? [await ctx.client.create(object.plural, bodies[0])] : await ctx.client.createMany(object.plural, bodies);
  const links = mapped
    .filter(({ targets }) => targets.length > 0)
    .map(({ body, targets }) => ({ parentId: body.id as string, targets }));
  if (links.length > 0) {
    try {
      await createTargets(ctx, object, links);
    } catch (error) {
      // A note without the targets asked for is a half-done write: take the new records back,
      // and say exactly what is left if that fails too. (A hard delete also removes any target.)
      const removals = await Promise.allSettled(records.map((r) => ctx.client.delete(object.plural, r.id, { soft: false })));
      const gone = (i: number) => removals[i].status === 'fulfilled' || (removals[i] as PromiseRejectedResult).reason instanceof NotFoundError;
      const removed = records.filter((_, i) => gone(i)).map((r) => r.id);
      const remaining = records.filter((_, i) => !gone(i)).map((r) => r.id);
      throw halfAppliedError(object, error, removed, remaining);
    }
  }
  rememberRecords(ctx, object, records);
  return records;
}

export async function updateOne(ctx: RequestContext, object: WritableObject, id: string, input: Record<string, unknown>) {
  assertUuid(id, 'id');
  const { body } = await mapInput(object, input, 'update', optionsFor(ctx));
  const record = await ctx.client.update(object.plural, id, body);
  rememberRecords(ctx, object, [record]);
  return record;
}

/**
 * Soft delete (§1 `?soft_delete=true`): the record stays, with `deletedAt`, and can be restored.
 * Once the DELETE has answered, the mutation succeeds: a retry would only find the record gone
 * (NOT_FOUND). The read-back is best-effort; when it fails, the record as this request last knew
 * it (or just its id) is returned with `deletedAt` set to now.
 */
export async function softDeleteOne(ctx: RequestContext, object: WritableObject, id: string): Promise<TwentyRecord> {
  assertUuid(id, 'id');
  const result = (await ctx.client.delete(object.plural, id, { soft: true })) as Partial<TwentyRecord>;
  try {
    // §2: Twenty answers `{ id }` only; read the record back, which needs a deletedAt filter (§4).
    if (result.deletedAt) return result as TwentyRecord;
    const record = await readBackDeleted(ctx, object, id).catch(() => null);
    if (record?.deletedAt) return record;
    const known = cachedRecord(ctx, object, id);
    return { ...known, ...result, id, deletedAt: new Date().toISOString() };
  } finally {
    forgetRecord(ctx, object, id);
  }
}

async function readBackDeleted(ctx: RequestContext, object: WritableObject, id: string): Promise<TwentyRecord | null> {
  const { filter } = buildFilter({ id: { eq: id }, deletedAt: { isNull: false } }, { id: 'id', deletedAt: 'datetime' });
  const page = await ctx.client.list(object.plural, { filter, limit: 1 });
  return page.records[0] ?? null;
}

/** Hard delete (§1 DELETE without soft_delete): gone for good. */
export async function destroyOne(ctx: RequestContext, object: WritableObject, id: string): Promise<string> {
  assertUuid(id, 'id');
  await ctx.client.delete(object.plural, id, { soft: false });
  forgetRecord(ctx, object, id);
  return id;
}

export async function restoreOne(ctx: RequestContext, object: WritableObject, id: string): Promise<TwentyRecord> {
  assertUuid(id, 'id');
  const record = await ctx.client.restore(object.plural, id);
  rememberRecords(ctx, object, [record]);
  return record;
}
