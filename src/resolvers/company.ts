import type { CompanyResolvers } from '../generated/graphql.js';
import { NOTE_LINK, TASK_LINK } from './links.js';
import { companySpec, opportunitySpec, personSpec } from './objects.js';
import { byForeignKeyConnection, customFields, throughTargetsConnection, toOne } from './relations.js';

export const Company: CompanyResolvers = {
  customFields: (company) => customFields(company, companySpec),
  accountOwner: (company, _args, ctx) => toOne(ctx, 'workspaceMembers', company.accountOwnerId),
  people: (company, args, ctx) => byForeignKeyConnection(ctx, personSpec, 'companyId', company.id, args),
  opportunities: (company, args, ctx) => byForeignKeyConnection(ctx, opportunitySpec, 'companyId', company.id, args),
  notes: (company, args, ctx) => throughTargetsConnection(ctx, NOTE_LINK, 'company', company.id, args),
  tasks: (company, args, ctx) => throughTargetsConnection(ctx, TASK_LINK, 'company', company.id, args),
};
