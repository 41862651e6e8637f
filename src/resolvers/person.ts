import type { PersonResolvers } from '../generated/graphql.js';
import { NOTE_LINK, TASK_LINK } from './links.js';
import { opportunitySpec, personSpec } from './objects.js';
import { byForeignKeyConnection, customFields, throughTargetsConnection, toOne } from './relations.js';

export const Person: PersonResolvers = {
  customFields: (person) => customFields(person, personSpec),
  company: (person, _args, ctx) => toOne(ctx, 'companies', person.companyId),
  opportunities: (person, args, ctx, info) =>
    byForeignKeyConnection(ctx, opportunitySpec, 'pointOfContactId', person.id, args, info),
  notes: (person, args, ctx) => throughTargetsConnection(ctx, NOTE_LINK, 'person', person.id, args),
  tasks: (person, args, ctx) => throughTargetsConnection(ctx, TASK_LINK, 'person', person.id, args),
};
