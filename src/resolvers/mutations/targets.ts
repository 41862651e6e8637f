import type { RequestContext } from '../../context.js';
import { getTargetFieldNames } from '../../workspace/metadata.js';
import type { TargetInputValue } from './input.js';
import { forgetRelations } from './loader-sync.js';
import type { WritableObject } from './objects.js';

/**
 * Links new notes or tasks to their targets with one batch create of noteTargets / taskTargets,
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
  await ctx.client.createMany(spec.object, bodies);
  forgetRelations(ctx, spec.object);
}
