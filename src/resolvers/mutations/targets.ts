import type { RequestContext } from '../../context.js';
import { getTargetFieldNames } from '../../workspace/metadata.js';
import type { TargetInputValue } from './input.js';
import { forgetRelations } from './loader-sync.js';
import type { WritableObject } from './objects.js';

/**
 * A batch create refuses more records than the server's page limit (§3: 60 on older servers,
 * which the client may not have detected yet); 60 is safe everywhere.
 */
const TARGETS_PER_BATCH = 60;

/**
 * Links new notes or tasks to their targets with batch creates of noteTargets / taskTargets,
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
  try {
    for (let start = 0; start < bodies.length; start += TARGETS_PER_BATCH) {
      await ctx.client.createMany(spec.object, bodies.slice(start, start + TARGETS_PER_BATCH));
    }
  } finally {
    forgetRelations(ctx, spec.object);
  }
}
