import type { RequestContext } from '../context.js';
import type { TwentyRecord } from '../twenty/types.js';
import { targetId, toOne } from './relations.js';

/**
 * NoteTarget and TaskTarget fields, the same for both: each id is read under either field name
 * (§10: `targetCompanyId` on current servers, `companyId` before v1.17).
 */
export function targetResolvers(ownerField: 'noteId' | 'taskId') {
  return {
    [ownerField]: (target: TwentyRecord) => target[ownerField] ?? null,
    companyId: (target: TwentyRecord) => targetId(target, 'company'),
    personId: (target: TwentyRecord) => targetId(target, 'person'),
    opportunityId: (target: TwentyRecord) => targetId(target, 'opportunity'),
    company: (target: TwentyRecord, _args: unknown, ctx: RequestContext) => toOne(ctx, 'companies', targetId(target, 'company')),
    person: (target: TwentyRecord, _args: unknown, ctx: RequestContext) => toOne(ctx, 'people', targetId(target, 'person')),
    opportunity: (target: TwentyRecord, _args: unknown, ctx: RequestContext) =>
      toOne(ctx, 'opportunities', targetId(target, 'opportunity')),
  };
}
