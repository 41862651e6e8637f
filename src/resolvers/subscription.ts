import type { ChangeEvent } from '../feeds/events.js';
import { changeStream, executionScopeFor, lastEventIdOf, rememberEvent, type Delivery } from '../feeds/changes.js';
import { beginExecution, type RequestContext } from '../context.js';
import type { Resolvers, SubscriptionResolvers } from '../generated/graphql.js';
import { filterPredicate, type FilterInput } from '../twenty/filter.js';
import { companySpec, noteSpec, opportunitySpec, personSpec, taskSpec, type ObjectSpec } from './objects.js';

/**
 * A `…Changed` field: the filter is checked at once (BAD_USER_INPUT before anything starts), the
 * stream joins the feed of the caller's key, and each event starts a new execution with the
 * event's own loaders before `node` and its relations resolve.
 */
function changed(spec: ObjectSpec) {
  return {
    subscribe: (_root: unknown, args: { filter?: unknown }, ctx: RequestContext) =>
      changeStream({
        connection: ctx,
        object: spec.plural,
        matches: filterPredicate(args.filter as FilterInput | undefined, spec.filterFields),
        lastEventId: lastEventIdOf(ctx),
      }),
    resolve: (delivery: Delivery, _args: unknown, ctx: RequestContext): ChangeEvent => {
      if ('failure' in delivery) throw delivery.failure;
      beginExecution(ctx, executionScopeFor(delivery, ctx, spec.plural));
      rememberEvent(ctx, delivery.eventId);
      return delivery;
    },
  };
}

export const Subscription: SubscriptionResolvers = {
  opportunityChanged: changed(opportunitySpec),
  companyChanged: changed(companySpec),
  personChanged: changed(personSpec),
  taskChanged: changed(taskSpec),
  noteChanged: changed(noteSpec),
};

const node = (event: ChangeEvent) => event.after;

export const changeTypes: Pick<Resolvers, 'OpportunityChange' | 'CompanyChange' | 'PersonChange' | 'TaskChange' | 'NoteChange'> = {
  OpportunityChange: { node },
  CompanyChange: { node },
  PersonChange: { node },
  TaskChange: { node },
  NoteChange: { node },
};
