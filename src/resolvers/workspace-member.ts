import type { WorkspaceMemberResolvers } from '../generated/graphql.js';
import { companySpec, opportunitySpec, taskSpec, workspaceMemberSpec } from './objects.js';
import { byForeignKeyConnection, customFields } from './relations.js';

export const WorkspaceMember: WorkspaceMemberResolvers = {
  customFields: (member) => customFields(member, workspaceMemberSpec),
  assignedTasks: (member, args, ctx) => byForeignKeyConnection(ctx, taskSpec, 'assigneeId', member.id, args),
  ownedOpportunities: (member, args, ctx) => byForeignKeyConnection(ctx, opportunitySpec, 'ownerId', member.id, args),
  accountOwnerForCompanies: (member, args, ctx) =>
    byForeignKeyConnection(ctx, companySpec, 'accountOwnerId', member.id, args),
};
