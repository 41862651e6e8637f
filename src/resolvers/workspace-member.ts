import type { WorkspaceMemberResolvers } from '../generated/graphql.js';
import { companySpec, opportunitySpec, taskSpec, workspaceMemberSpec } from './objects.js';
import { byForeignKeyConnection, customFields } from './relations.js';

export const WorkspaceMember: WorkspaceMemberResolvers = {
  customFields: (member) => customFields(member, workspaceMemberSpec),
  assignedTasks: (member, args, ctx, info) => byForeignKeyConnection(ctx, taskSpec, 'assigneeId', member.id, args, info),
  ownedOpportunities: (member, args, ctx, info) => byForeignKeyConnection(ctx, opportunitySpec, 'ownerId', member.id, args, info),
  accountOwnerForCompanies: (member, args, ctx, info) =>
    byForeignKeyConnection(ctx, companySpec, 'accountOwnerId', member.id, args, info),
};
