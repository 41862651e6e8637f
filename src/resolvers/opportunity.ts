import type { OpportunityResolvers } from '../generated/graphql.js';
import { OPPORTUNITY } from '../model/index.js';
import { recordResolvers } from './record.js';
import { selectInfo } from './select-info.js';

export const Opportunity: OpportunityResolvers = {
  ...(recordResolvers(OPPORTUNITY) as OpportunityResolvers),
  stageInfo: (opportunity, _args, ctx) => selectInfo(ctx, OPPORTUNITY.singular, 'stage', opportunity.stage),
};
