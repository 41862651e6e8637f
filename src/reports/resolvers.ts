/**
 * The resolvers of schema/reports.graphql, thin: arguments → report → value. Merged into the
 * schema's resolvers by src/resolvers/index.ts.
 */
import type {
  AggregateGroupResolvers,
  CompanyResolvers,
  PersonResolvers,
  QueryResolvers,
  SubscriptionResolvers,
  TaskAssigneeCountResolvers,
  WorkspaceMemberResolvers,
} from '../generated/graphql.js';
import { groupLabels, groupsReport } from './groups.js';
import { livePipeline, liveValue } from './live.js';
import { REPORT_OBJECTS } from './objects.js';
import type { RequestContext } from '../context.js';
import type { LiveDelivery } from '../feeds/live-query.js';
import type { PipelineValue } from './pipeline.js';
import { forecastReport, parentPipeline, pipelineReport } from './pipelines.js';
import { assigneeOf, taskSummaryReport } from './task-summary.js';

export const reportQueries: Pick<
  Required<QueryResolvers>,
  'pipeline' | 'forecast' | 'opportunityGroups' | 'companyGroups' | 'personGroups' | 'taskGroups' | 'noteGroups' | 'taskSummary'
> = {
  pipeline: (_root, args, ctx) => pipelineReport(ctx, args),
  forecast: (_root, args, ctx) => forecastReport(ctx, args),
  opportunityGroups: (_root, args, ctx) => groupsReport(ctx, REPORT_OBJECTS.opportunities, args),
  companyGroups: (_root, args, ctx) => groupsReport(ctx, REPORT_OBJECTS.companies, args),
  personGroups: (_root, args, ctx) => groupsReport(ctx, REPORT_OBJECTS.people, args),
  taskGroups: (_root, args, ctx) => groupsReport(ctx, REPORT_OBJECTS.tasks, args),
  noteGroups: (_root, args, ctx) => groupsReport(ctx, REPORT_OBJECTS.notes, args),
  taskSummary: (_root, args, ctx) => taskSummaryReport(ctx, args.filter),
};

export const reportSubscriptions: Pick<Required<SubscriptionResolvers>, 'pipelineUpdated'> = {
  pipelineUpdated: {
    subscribe: (_root, args, ctx) => livePipeline(ctx, args.filter),
    resolve: (delivery: LiveDelivery<PipelineValue>, _args: unknown, ctx: RequestContext) => liveValue(delivery, ctx),
  },
};

export const CompanyReports: Pick<Required<CompanyResolvers>, 'pipeline'> = {
  pipeline: (company, args, ctx) => parentPipeline(ctx, 'companyId', company.id, args.filter),
};

export const PersonReports: Pick<Required<PersonResolvers>, 'pipeline'> = {
  pipeline: (person, args, ctx) => parentPipeline(ctx, 'pointOfContactId', person.id, args.filter),
};

export const WorkspaceMemberReports: Pick<Required<WorkspaceMemberResolvers>, 'pipeline'> = {
  pipeline: (member, args, ctx) => parentPipeline(ctx, 'ownerId', member.id, args.filter),
};

export const AggregateGroup: AggregateGroupResolvers = {
  labels: (group, _args, ctx) => groupLabels(ctx, group),
};

export const TaskAssigneeCount: TaskAssigneeCountResolvers = {
  assignee: (entry, _args, ctx) => assigneeOf(ctx, entry),
};
