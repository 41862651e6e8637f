import type { ObjectModel } from '../model/index.js';
import type { TwentyRecord } from '../twenty/types.js';
import { foreignKeyOf } from './record.js';

/**
 * The id fields of NoteTarget and TaskTarget: the owner's id, and each linked record's id read
 * under either field name (§10: `targetCompanyId` on current servers, `companyId` before v1.17).
 */
export function targetIdResolvers(model: ObjectModel, ownerField: 'noteId' | 'taskId') {
  const resolvers: Record<string, (target: TwentyRecord) => unknown> = {
    [ownerField]: (target) => target[ownerField] ?? null,
  };
  for (const relation of model.relations) {
    if (relation.kind === 'toOne') resolvers[`${relation.name}Id`] = (target) => foreignKeyOf(target, relation);
  }
  return resolvers;
}
