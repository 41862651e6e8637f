/**
 * The source of a `…Changed` subscription: the events of the feed of the caller's key and object
 * that concern records matching its filter before or after, each once, in log order, after
 * replaying what it missed since its last event id.
 */
import { FixedBuffer, Repeater } from 'graphql-yoga';
import { createExecutionScope, type ConnectionScope, type ExecutionScope } from '../context.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';
import { checkEventId } from './backend.js';
import { compareEventIds, errorOf, isFailure, type ChangeEvent, type FeedMessage } from './events.js';

/** What a change stream yields: an event, or the failure that ends it (thrown by the field's resolver). */
export type Delivery = ChangeEvent | { failure: Error };

/**
 * Events a slow subscriber may have waiting. Past them (plus the 1,024 pending pushes a Repeater
 * allows) its stream fails; its client reconnects and resumes from its last event id.
 */
const SUBSCRIBER_BUFFER = 10_000;

export interface ChangeStreamOptions {
  connection: ConnectionScope;
  object: ObjectPlural;
  /** The subscription's filter on one version of a record (filterPredicate). */
  matches: (record: TwentyRecord) => boolean;
  /** Resume after this event (SSE `Last-Event-ID`, `extensions.lastEventId`). */
  lastEventId?: unknown;
}

/**
 * Joins the feed and resolves once it is ready (so a change made after the subscription is
 * established is never taken for the state it started from); rejects if the key cannot start it.
 */
export async function changeStream(options: ChangeStreamOptions): Promise<AsyncIterable<Delivery>> {
  const { connection, object, matches } = options;
  if (!connection.feeds) throw new Error('Subscriptions need the app’s feeds in the context.');
  const after = options.lastEventId == null ? undefined : checkEventId(options.lastEventId);
  const membership = connection.feeds.join(connection, object);
  const early: FeedMessage[] = [];
  let deliver: ((message: FeedMessage) => void) | undefined;
  const unlisten = membership.listen((message) => (deliver ? deliver(message) : early.push(message)));
  let missed: ChangeEvent[];
  try {
    await membership.ready;
    missed = after === undefined ? [] : await membership.replay(after);
  } catch (error) {
    unlisten();
    membership.leave();
    throw error;
  }
  const concerns = (event: ChangeEvent) => (event.before !== null && matches(event.before)) || (event.after !== null && matches(event.after));

  return new Repeater<Delivery>(async (push, stop) => {
    let last = after;
    deliver = (message) => {
      if (isFailure(message)) {
        push({ failure: errorOf(message) }).catch(() => {});
        stop();
        return;
      }
      // Replayed and live events overlap while both are read: an event at or before the last one given is skipped.
      if (last !== undefined && compareEventIds(message.eventId, last) <= 0) return;
      last = message.eventId;
      if (!concerns(message)) return;
      try {
        push(message).catch(() => {});
      } catch (overflow) {
        stop(overflow);
      }
    };
    for (const message of [...missed, ...early.splice(0)]) deliver(message);
    await stop;
    unlisten();
    membership.leave();
  }, new FixedBuffer(SUBSCRIBER_BUFFER));
}

/**
 * Each event's execution scope, shared by the local subscribers of its feed (all of one key), so
 * that `node { company { name } }` on a thousand subscriptions costs one batched call per event.
 * The scope dies with the event; the event's own record is primed into it.
 */
const eventScopes = new WeakMap<ChangeEvent, ExecutionScope>();

export function executionScopeFor(event: ChangeEvent, connection: ConnectionScope, object: ObjectPlural): ExecutionScope {
  let scope = eventScopes.get(event);
  if (!scope) {
    // Not the connection's own client: a socket lives past its request's deadline, and the scope is
    // shared by subscribers whose connections may close before the event is done.
    scope = createExecutionScope({ client: connection.clientFor() });
    if (event.after) scope.loaders.prime(object, [event.after]);
    eventScopes.set(event, scope);
  }
  return scope;
}

/** The event a subscription's context is executing, for transports that label events (SSE `id:`). */
const currentEvents = new WeakMap<object, string>();

export function rememberEvent(context: object, eventId: string): void {
  currentEvents.set(context, eventId);
}

export function currentEventId(context: object): string | undefined {
  return currentEvents.get(context);
}

/** Where a client says it resumes from: SSE's `Last-Event-ID` header, or `extensions.lastEventId`. */
export function lastEventIdOf(context: object): unknown {
  const { request, params } = context as { request?: Request; params?: { extensions?: Record<string, unknown> } };
  return request?.headers?.get?.('last-event-id') ?? params?.extensions?.lastEventId ?? undefined;
}
