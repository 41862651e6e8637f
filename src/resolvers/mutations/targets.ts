import type { RequestContext } from '../../context.js';
import { BadUserInputError, BffError, UpstreamError } from '../../errors.js';
import { getTargetFieldNames } from '../../workspace/metadata.js';
import type { TargetInputValue } from './input.js';
import { forgetRelations } from './loader-sync.js';
import type { WritableObject } from './objects.js';

/**
 * The most targets one create mutation links, all its notes or tasks together: exactly one batch
 * create, which Twenty applies whole or not at all. A batch refuses more records than the server's
 * page limit (§3: 60 on older servers, which the client may not have detected yet); 60 is safe
 * everywhere. More would take several calls, any of which may fail after the others (a 429
 * half-way), leaving a note with part of its targets: refused before anything is written.
 */
export const MAX_TARGETS_PER_MUTATION = 60;

/**
 * Links new notes or tasks to their targets with one batch create of noteTargets / taskTargets
 * (at most MAX_TARGETS_PER_MUTATION, checked by `checkTargetCount` before anything is written),
 * using whichever target field names this server has (§10: `targetCompanyId` since v1.17,
 * `companyId` before).
 */
export async function createTargets(
  ctx: RequestContext,
  object: WritableObject,
  links: Array<{ parentId: string; targets: TargetInputValue[] }>,
): Promise<void> {
  const spec = object.targets;
  if (!spec) throw new Error(`${object.type} has no targets`);
  const names = await getTargetFieldNames(ctx);
  const bodies = links.flatMap(({ parentId, targets }) =>
    targets.map((target) => {
      const body: Record<string, unknown> = { [spec.parentKey]: parentId };
      if (target.companyId) body[names.company] = target.companyId;
      if (target.personId) body[names.person] = target.personId;
      if (target.opportunityId) body[names.opportunity] = target.opportunityId;
      return body;
    }),
  );
  if (bodies.length === 0) return;
  if (bodies.length > MAX_TARGETS_PER_MUTATION) throw new Error(`createTargets got ${bodies.length} targets: checkTargetCount first`);
  try {
    await ctx.client.createMany(spec.object, bodies);
  } finally {
    forgetRelations(ctx, spec.object);
  }
}

/** Refuses, before any REST call, a create that would link more targets than one batch holds. */
export function checkTargetCount(object: WritableObject, count: number): void {
  if (count <= MAX_TARGETS_PER_MUTATION) return;
  throw new BadUserInputError(
    `create${object.type} links at most ${MAX_TARGETS_PER_MUTATION} targets per mutation ` +
      `(one batch Twenty applies whole), got ${count}.`,
    { field: 'targets', maxTargets: MAX_TARGETS_PER_MUTATION },
  );
}

/**
 * The error of a create whose records were written but whose targets were not: says exactly what
 * is left. `rolledBack` are the new records removed again, `remaining` those still there (the
 * removal failed). Targets are known unlinked when Twenty answered the batch with an error (it
 * applies a batch whole or not at all); after a timeout or a dropped connection nobody knows.
 */
export function halfAppliedError(object: WritableObject, cause: unknown, rolledBack: string[], remaining: string[]): unknown {
  if (!(cause instanceof BffError)) return cause;
  const answered = !(cause instanceof UpstreamError) || cause.details.upstreamStatus !== undefined;
  const noun = object.type.toLowerCase();
  const saved =
    remaining.length === 0
      ? `nothing was saved: the new ${noun} was removed again`
      : `the new ${noun} ${remaining.join(', ')} ${remaining.length === 1 ? 'exists' : 'exist'} ` +
        `${answered ? 'without its targets' : 'and its targets may or may not be linked'} (removing it failed too)`;
  const Class = cause.constructor as new (message: string, details: Record<string, unknown>, options?: { cause?: unknown }) => BffError;
  return new Class(`${cause.message} Linking the targets failed, so ${saved}.`, {
    ...cause.details,
    applied: { created: remaining, removed: rolledBack, targetsLinked: answered ? 0 : null },
  }, { cause });
}
