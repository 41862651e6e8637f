import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { ObjectPlural } from '../twenty/types.js';
import { rootConnection, type ConnectionArgs } from './connection.js';
import { COMPANY, NOTE, OPPORTUNITY, PERSON, specOfObject, TASK, WORKSPACE_MEMBER } from '../model/index.js';
import { toOne } from './relations.js';

/**
 * Single lookups go through the by-id loader: several in one operation share one call, and an id
 * that is not a UUID (which Twenty would answer with 400, §1) simply finds nothing. The plan
 * starts the record's relations from the same id at once (`prefetch`).
 */
function lookup(ctx: RequestContext, info: GraphQLResolveInfo, object: ObjectPlural, id: string) {
  ctx.planning.plan?.prefetch(ctx, info, id);
  return toOne(ctx, object, id);
}

/** Every object with root fields: `company(id)` and `companies(…)`, named after the object (§1). */
const ROOT_OBJECTS = [COMPANY, PERSON, OPPORTUNITY, NOTE, TASK, WORKSPACE_MEMBER];

export const Query = Object.fromEntries(
  ROOT_OBJECTS.flatMap((model) => [
    [model.singular, (_root: unknown, { id }: { id: string }, ctx: RequestContext, info: GraphQLResolveInfo) => lookup(ctx, info, model.plural, id)],
    [
      model.plural,
      (_root: unknown, args: ConnectionArgs, ctx: RequestContext, info: GraphQLResolveInfo) =>
        rootConnection(ctx, specOfObject(model.plural), args, { site: ctx.planning.plan?.siteAt(info) }),
    ],
  ]),
) as QueryResolvers;
