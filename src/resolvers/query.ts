import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { ObjectPlural } from '../twenty/types.js';
import { rootConnection } from './connection.js';
import {
  companySpec,
  noteSpec,
  opportunitySpec,
  personSpec,
  taskSpec,
  workspaceMemberSpec,
} from './objects.js';
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

export const Query: QueryResolvers = {
  company: (_root, { id }, ctx, info) => lookup(ctx, info, 'companies', id),
  companies: (_root, args, ctx, info) => rootConnection(ctx, companySpec, args, { site: ctx.planning.plan?.siteAt(info) }),
  person: (_root, { id }, ctx, info) => lookup(ctx, info, 'people', id),
  people: (_root, args, ctx, info) => rootConnection(ctx, personSpec, args, { site: ctx.planning.plan?.siteAt(info) }),
  opportunity: (_root, { id }, ctx, info) => lookup(ctx, info, 'opportunities', id),
  opportunities: (_root, args, ctx, info) => rootConnection(ctx, opportunitySpec, args, { site: ctx.planning.plan?.siteAt(info) }),
  note: (_root, { id }, ctx, info) => lookup(ctx, info, 'notes', id),
  notes: (_root, args, ctx, info) => rootConnection(ctx, noteSpec, args, { site: ctx.planning.plan?.siteAt(info) }),
  task: (_root, { id }, ctx, info) => lookup(ctx, info, 'tasks', id),
  tasks: (_root, args, ctx, info) => rootConnection(ctx, taskSpec, args, { site: ctx.planning.plan?.siteAt(info) }),
  workspaceMember: (_root, { id }, ctx, info) => lookup(ctx, info, 'workspaceMembers', id),
  workspaceMembers: (_root, args, ctx, info) => rootConnection(ctx, workspaceMemberSpec, args, { site: ctx.planning.plan?.siteAt(info) }),
};
