import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context.js';
import { specOfObject, type ObjectModel, type RelationModel, type ToOneRelation } from '../model/index.js';
import type { TwentyRecord } from '../twenty/types.js';
import { fromParent } from '../planner/depth.js';
import type { ConnectionArgs } from './connection.js';
import { byForeignKeyConnection, customFields, isSingleParent, throughTargetsConnection, toOne } from './relations.js';

type FieldResolver = (parent: TwentyRecord, args: never, ctx: RequestContext, info: GraphQLResolveInfo) => unknown;

/**
 * The resolvers every record type shares, read from the object model: `customFields`, and one
 * resolver per relation (to-one by foreign key, one-to-many by foreign key, notes and tasks
 * through targets). Type files add what is special to them (`stageInfo`, …).
 */
export function recordResolvers(model: ObjectModel): Record<string, FieldResolver> {
  const resolvers: Record<string, FieldResolver> = {};
  if ('customFields' in model.computed) {
    const spec = specOfObject(model.plural);
    resolvers.customFields = (record) => customFields(record, spec);
  }
  for (const relation of model.relations) {
    const resolve = relationResolver(relation);
    // A single record's relation the plan started from the argument id (src/planner/plan.ts).
    resolvers[relation.name] =
      relation.kind === 'toOne'
        ? resolve
        : (parent, args, ctx, info) => {
            const started = isSingleParent(info.path) ? ctx.planning.plan?.prefetched(info, parent.id) : undefined;
            return started ? started.value : resolve(parent, args, ctx, info);
          };
  }
  return resolvers;
}

/**
 * Relations first look for what the parent's own call brought at depth 1 (src/planner/depth.ts:
 * a nested to-one, or a one-to-many array kept only when whole), then go to the loaders.
 */
function relationResolver(relation: RelationModel): FieldResolver {
  switch (relation.kind) {
    case 'toOne':
      return (parent, _args, ctx) => {
        const nested = fromParent(parent, relation.restName, relation.legacy?.restName);
        if (nested !== undefined && !Array.isArray(nested)) return nested;
        return toOne(ctx, relation.target, foreignKeyOf(parent, relation));
      };
    case 'oneToMany':
      if (relation.list) {
        return (parent, _args, ctx) => {
          const whole = fromParent(parent, relation.restName);
          return Array.isArray(whole) ? whole : ctx.loaders.byForeignKey(relation.target, relation.foreignKey).load(parent.id);
        };
      }
      return (parent, args: ConnectionArgs, ctx, info) => {
        const whole = fromParent(parent, relation.restName);
        const children = Array.isArray(whole) ? whole : undefined;
        return byForeignKeyConnection(ctx, specOfObject(relation.target), relation.foreignKey, parent.id, args, info, children);
      };
    case 'throughTargets':
      return (parent, args: ConnectionArgs, ctx) => throughTargetsConnection(ctx, relation, parent.id, args);
  }
}

/** A to-one's foreign key, under either name (§10: target records before v1.17 say `companyId`). */
export function foreignKeyOf(record: TwentyRecord, relation: ToOneRelation): string | null {
  const id = record[relation.foreignKey] ?? (relation.legacy ? record[relation.legacy.foreignKey] : undefined);
  return typeof id === 'string' ? id : null;
}
