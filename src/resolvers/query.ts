import type { QueryResolvers } from '../generated/graphql.js';
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

// Single lookups go through the by-id loader: several in one operation share one call, and an id
// that is not a UUID (which Twenty would answer with 400, §1) simply finds nothing.
export const Query: QueryResolvers = {
  company: (_root, { id }, ctx) => toOne(ctx, 'companies', id),
  companies: (_root, args, ctx) => rootConnection(ctx, companySpec, args),
  person: (_root, { id }, ctx) => toOne(ctx, 'people', id),
  people: (_root, args, ctx) => rootConnection(ctx, personSpec, args),
  opportunity: (_root, { id }, ctx) => toOne(ctx, 'opportunities', id),
  opportunities: (_root, args, ctx) => rootConnection(ctx, opportunitySpec, args),
  note: (_root, { id }, ctx) => toOne(ctx, 'notes', id),
  notes: (_root, args, ctx) => rootConnection(ctx, noteSpec, args),
  task: (_root, { id }, ctx) => toOne(ctx, 'tasks', id),
  tasks: (_root, args, ctx) => rootConnection(ctx, taskSpec, args),
  workspaceMember: (_root, { id }, ctx) => toOne(ctx, 'workspaceMembers', id),
  workspaceMembers: (_root, args, ctx) => rootConnection(ctx, workspaceMemberSpec, args),
};
