import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { pollsOf, rawSse, sleep, startFeedStack, waitFor, write, type RawSse } from './helpers.js';

const INTERVAL = 500;
const SUBSCRIBERS = 1_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startFeedStack(INTERVAL);
});
afterAll(() => stack.close());

describe('one feed, many subscribers', () => {
  it(`polls Twenty once per interval for ${SUBSCRIBERS} concurrent SSE subscribers, and stops after the last leaves`, async () => {
    const query = 'subscription { opportunityChanged { kind id node { name } } }';
    const feeds: RawSse[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 100) feeds.push(...(await Promise.all(Array.from({ length: 100 }, () => rawSse(stack, query)))));
    expect(feeds.every((feed) => feed.status === 200)).toBe(true);
    await waitFor(() => stack.server.app.feeds.stats().find((feed) => feed.object === 'opportunities')?.members === SUBSCRIBERS, 20_000, 'every subscriber');

    stack.resetCalls();
    const started = Date.now();
    await sleep(6 * INTERVAL);
    const log = stack.restCalls();
    const polls = pollsOf(stack, 'opportunities', log);
    const intervals = (Date.now() - started) / INTERVAL;
    expect(polls.length).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    // Nothing is read per subscriber: besides the polls, only the feed's periodic counts (limit=0).
    expect(log.filter((call) => !polls.includes(call) && call.query.limit !== '0')).toEqual([]);

    const deal = await write.create(stack, 'opportunities', { name: 'For everyone' });
    const reached = (feed: RawSse) => feed.events.some((event) => event.data?.opportunityChanged?.id === deal.id);
    await waitFor(() => feeds.every(reached), 30_000, 'the event at every subscriber');
    await sleep(INTERVAL);
    for (const feed of feeds) expect(feed.events.filter((event) => event.data?.opportunityChanged?.id === deal.id)).toHaveLength(1);

    for (const feed of feeds) feed.close();
    await waitFor(() => stack.server.app.feeds.stats().every((feed) => feed.members === 0), 30_000, 'every subscriber to leave');
    await sleep(INTERVAL);
    stack.resetCalls();
    await sleep(3 * INTERVAL);
    expect(pollsOf(stack, 'opportunities')).toHaveLength(0);
  }, 120_000);
});
