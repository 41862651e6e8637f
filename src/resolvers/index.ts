import type { Resolvers } from '../generated/graphql.js';
import { mutationResolvers } from './mutations/index.js';
import { Company } from './company.js';
import { FullName, Money } from './composite.js';
import { Note, NoteTarget } from './note.js';
import { Opportunity } from './opportunity.js';
import { Person } from './person.js';
import { Query } from './query.js';
import { changeTypes, Subscription } from './subscription.js';
import { BigIntScalar, DateScalar, DateTimeScalar, JSONScalar } from './scalars.js';
import { Task, TaskTarget } from './task.js';
import { WorkspaceMember } from './workspace-member.js';
import { AggregateGroup, CompanyReports, PersonReports, TaskAssigneeCount, WorkspaceMemberReports, reportQueries, reportSubscriptions } from '../reports/resolvers.js';

/** Every resolver of the schema; types without an entry use graphql-js's default field resolvers. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  BigInt: BigIntScalar,
  JSON: JSONScalar,
  Query: { ...Query, ...reportQueries },
  Mutation: mutationResolvers,
  Subscription: { ...Subscription, ...reportSubscriptions },
  ...changeTypes,
  Company: { ...Company, ...CompanyReports },
  Person: { ...Person, ...PersonReports },
  Opportunity,
  Note,
  NoteTarget,
  Task,
  TaskTarget,
  WorkspaceMember: { ...WorkspaceMember, ...WorkspaceMemberReports },
  Money,
  FullName,
  AggregateGroup,
  TaskAssigneeCount,
};
