import type { OpportunityResolvers } from '../generated/graphql.js';
import { NOTE_LINK, TASK_LINK } from './links.js';
import { opportunitySpec } from './objects.js';
import { customFields, throughTargetsConnection, toOne } from './relations.js';
import { selectInfo } from './select-info.js';

export const Opportunity: OpportunityResolvers = {
  customFields: (opportunity) => customFields(opportunity, opportunitySpec),
  stageInfo: (opportunity, _args, ctx) => selectInfo(ctx, 'opportunity', 'stage', opportunity.stage),
  company: (opportunity, _args, ctx) => toOne(ctx, 'companies', opportunity.companyId),
  pointOfContact: (opportunity, _args, ctx) => toOne(ctx, 'people', opportunity.pointOfContactId),
  owner: (opportunity, _args, ctx) => toOne(ctx, 'workspaceMembers', opportunity.ownerId),
  notes: (opportunity, args, ctx) => throughTargetsConnection(ctx, NOTE_LINK, 'opportunity', opportunity.id, args),
  tasks: (opportunity, args, ctx) => throughTargetsConnection(ctx, TASK_LINK, 'opportunity', opportunity.id, args),
};
