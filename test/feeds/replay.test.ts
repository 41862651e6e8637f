import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { rawSse, sleep, startFeedStack, waitFor, write, wsSubscribe, type RawSse, type Rec } from './helpers.js';

const INTERVAL = 250;
const QUERY = 'subscription { noteChanged { kind id eventId node { title } } }';

let stack: Stack;
beforeAll(async () => {
  stack = await startFeedStack(INTERVAL);
});
afterAll(() => stack.close());

const notes = (sse: RawSse): Rec[] => sse.events.map((event) => event.data?.noteChanged).filter(Boolean);
const hasTitle = (sse: RawSse, title: string) => notes(sse).some((change) => change.node?.title === title);

describe('resuming a feed', () => {
  it('labels SSE events with their event id, and resumes after Last-Event-ID without loss or repetition', async () => {
    const keeper = await rawSse(stack, QUERY);
    const first = await rawSse(stack, QUERY);
    await write.create(stack, 'notes', { title: 'Before the drop' });
    await waitFor(() => hasTitle(first, 'Before the drop'), 10_000, 'the first event');
    expect(first.ids).toEqual(notes(first).map((change) => change.eventId));
    const lastSeen = first.ids[first.ids.length - 1];
    first.close();

    // Made while the subscriber is away; another subscriber keeps the feed polling.
    for (const title of ['While away 1', 'While away 2']) await write.create(stack, 'notes', { title });
    await waitFor(() => hasTitle(keeper, 'While away 2'), 10_000, 'the keeper to see both');

    const resumed = await rawSse(stack, QUERY, { lastEventId: lastSeen });
    await write.create(stack, 'notes', { title: 'After the return' });
    await waitFor(() => hasTitle(resumed, 'After the return'), 10_000, 'the live event after the replay');
    expect(notes(resumed).map((change) => change.node.title)).toEqual(['While away 1', 'While away 2', 'After the return']);
    keeper.close();
    resumed.close();
  });

  it('catches up after Last-Event-ID when the feed had stopped with its last subscriber', async () => {
    await sleep(2 * INTERVAL);
    const alone = await rawSse(stack, QUERY);
    await write.create(stack, 'notes', { title: 'Seen alone' });
    await waitFor(() => hasTitle(alone, 'Seen alone'), 10_000, 'the event');
    const lastSeen = alone.ids[alone.ids.length - 1];
    alone.close();
    await waitFor(() => stack.server.app.feeds.stats().every((feed) => feed.object !== 'notes' || feed.members === 0), 10_000, 'the feed to stop');
    await write.update(stack, 'notes', notes(alone)[0].id, { title: 'Changed while nobody listened' });
    await sleep(2 * INTERVAL);
    const back = await rawSse(stack, QUERY, { lastEventId: lastSeen });
    await waitFor(() => hasTitle(back, 'Changed while nobody listened'), 10_000, 'the missed change');
    expect(notes(back)).toHaveLength(1);
    back.close();
  });

  it('resumes over graphql-ws from extensions.lastEventId', async () => {
    const keeper = await rawSse(stack, QUERY);
    await write.create(stack, 'notes', { title: 'ws 1' });
    await waitFor(() => hasTitle(keeper, 'ws 1'), 10_000, 'ws 1');
    const after = notes(keeper).find((change) => change.node.title === 'ws 1')!.eventId as string;
    await write.create(stack, 'notes', { title: 'ws 2' });
    await waitFor(() => hasTitle(keeper, 'ws 2'), 10_000, 'ws 2');
    const ws = await wsSubscribe(stack, QUERY, { extensions: { lastEventId: after } });
    await ws.next((change) => change.node.title === 'ws 2');
    expect(ws.changes().map((change) => change.node.title)).toEqual(['ws 2']);
    ws.close();
    keeper.close();
  });

  it('refuses a last event id it cannot resume from', async () => {
    for (const lastEventId of ['1-0', `${Date.now() + 3_600_000}-0`, 'yesterday']) {
      const sse = await rawSse(stack, QUERY, { lastEventId });
      await waitFor(() => sse.events.length > 0, 10_000, 'the refusal');
      expect(sse.status).toBe(200);
      expect(sse.events[0].errors[0].extensions.code).toBe('BAD_USER_INPUT');
      sse.close();
    }
  });
});
