import type { CompanyResolvers } from '../generated/graphql.js';
import { NOTE_LINK, TASK_LINK } from './links.js';
import { companySpec, opportunitySpec, personSpec } from './objects.js';
import { byForeignKeyConnection, customFields, throughTargetsConnection, toOne } from './relations.js';

export const Company: CompanyResolvers = {
  customFields: (company) => customFields(company, companySpec),
  accountOwner: (company, _args, ctx) => toOne(ctx, 'workspaceMembers', company.accountOwnerId),
  people: (company, args, ctx, info) => byForeignKeyConnection(ctx, personSpec, 'companyId', company.id, args, info),
  opportunities: (company, args, ctx, info) => byForeignKeyConnection(ctx, opportunitySpec, 'companyId', company.id, args, info),
  notes: (company, args, ctx) => throughTargetsConnection(ctx, NOTE_LINK, 'company', company.id, args),
  tasks: (company, args, ctx) => throughTargetsConnection(ctx, TASK_LINK, 'company', company.id, args),
};
