import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionScope, type RequestContext } from '../../src/context.js';
import { liveQuery, type LiveDelivery } from '../../src/feeds/live-query.js';
import type { ObjectPlural } from '../../src/twenty/types.js';
import type { Stack } from '../support/stack.js';
import { rest } from '../emulator/helpers.js';
import { sleep, startFeedStack, waitFor, write } from './helpers.js';

const INTERVAL = 200;

let stack: Stack;
beforeAll(async () => {
  stack = await startFeedStack(INTERVAL);
});
afterAll(() => stack.close());

const connection = (key = stack.emulator.keys.acme) =>
  createConnectionScope(stack.server.app.transport, stack.config.twentyApiUrl!, key, {}, { feeds: stack.server.app.feeds });

/** A report-like function: how many deals are in a stage (one REST call, `limit=0`). */
const dealsIn = (stage: string) => async (scope: RequestContext) =>
  (await scope.client.list('opportunities', { filter: `stage[eq]:${stage}`, limit: 0 })).totalCount;
const reportCalls = (stage: string) => stack.restCalls().filter((call) => call.query.filter === `stage[eq]:${stage}` && call.query.limit === '0').length;

async function collect<T>(stream: AsyncIterable<LiveDelivery<T>>): Promise<{ values: T[]; stop(): Promise<void> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const values: T[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      const next = await iterator.next();
      if (next.done) return;
      if ('value' in next.value) values.push(next.value.value);
    }
  })();
  return {
    values,
    async stop() {
      done = true;
      await iterator.return?.();
      await loop;
    },
  };
}

describe('liveQuery', () => {
  it('sends the result at once, then only when a change of its objects changes it, sharing runs per key and query', async () => {
    const invalidated: ObjectPlural[][] = [];
    const options = {
      objects: ['opportunities'] as const,
      key: 'deals in SCREENING',
      run: dealsIn('SCREENING'),
      invalidate: (objects: ObjectPlural[]) => void invalidated.push(objects),
      debounceMs: 50,
    };
    const initial = (await stack.query('{ opportunities(filter: { stage: { eq: "SCREENING" } }) { totalCount } }')).body.data.opportunities.totalCount;
    stack.resetCalls();
    const first = await collect(await liveQuery({ ...options, connection: connection() }));
    const second = await collect(await liveQuery({ ...options, connection: connection() }));
    await waitFor(() => first.values.length === 1 && second.values.length === 1, 5_000, 'the first results');
    expect([first.values, second.values]).toEqual([[initial], [initial]]);
    expect(reportCalls('SCREENING')).toBe(1);

    // A change that leaves the result as it was: a re-run, nothing sent.
    const deal = await write.create(stack, 'opportunities', { name: 'Not screening', stage: 'NEW' });
    await waitFor(() => reportCalls('SCREENING') === 2, 5_000, 'the re-run');
    // The first run (before anything was known) and the re-run.
    expect(invalidated).toEqual([['opportunities'], ['opportunities']]);
    await sleep(100);
    expect(first.values).toEqual([initial]);

    // A change that moves the result: sent once to each subscriber, from one run.
    await write.update(stack, 'opportunities', deal.id, { stage: 'SCREENING' });
    await waitFor(() => first.values.length === 2 && second.values.length === 2, 5_000, 'the new result');
    expect([first.values, second.values]).toEqual([[initial, initial + 1], [initial, initial + 1]]);
    expect(reportCalls('SCREENING')).toBe(3);

    // Another key's changes never re-run this one.
    const before = reportCalls('SCREENING');
    const theirs = await rest(stack.emulator, '/rest/opportunities', { method: 'POST', key: stack.emulator.keys.globex, body: { name: 'Elsewhere', stage: 'SCREENING' } });
    expect(theirs.status).toBe(201);
    await sleep(4 * INTERVAL);
    expect(reportCalls('SCREENING')).toBe(before);

    await first.stop();
    await second.stop();
    await waitFor(() => stack.server.app.feeds.stats().every((feed) => feed.members === 0), 5_000, 'the feeds to stop');
  });

  it('re-runs once for a burst of changes', async () => {
    const live = await collect(await liveQuery({ connection: connection(), objects: ['opportunities'], key: 'burst', run: dealsIn('CUSTOMER'), debounceMs: 3 * INTERVAL }));
    await waitFor(() => live.values.length === 1, 5_000, 'the first result');
    stack.resetCalls();
    await Promise.all([1, 2, 3, 4].map((i) => write.create(stack, 'opportunities', { name: `Won ${i}`, stage: 'CUSTOMER' })));
    await waitFor(() => live.values.length === 2, 10_000, 'the new result');
    expect(live.values[1]).toBe(live.values[0] + 4);
    expect(reportCalls('CUSTOMER')).toBe(1);
    await live.stop();
  });

  it('re-runs while changes keep coming, not only once they stop', async () => {
    const debounceMs = 2 * INTERVAL;
    const live = await collect(await liveQuery({ connection: connection(), objects: ['opportunities'], key: 'steady', run: dealsIn('SCREENING'), debounceMs }));
    await waitFor(() => live.values.length === 1, 5_000, 'the first result');
    // A change every half interval, so one reaches the feed at every poll, for ten debounce windows.
    const until = Date.now() + 10 * debounceMs;
    let written = 0;
    while (Date.now() < until && live.values.length === 1) {
      await write.create(stack, 'opportunities', { name: `Steady ${written++}`, stage: 'SCREENING' });
      await sleep(INTERVAL / 2);
    }
    expect(live.values.length).toBeGreaterThan(1);
    await live.stop();
  });

  it('fails at once when its first run fails', async () => {
    await expect(liveQuery({ connection: connection('not-a-key'), objects: ['companies'], key: 'x', run: dealsIn('NEW') })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
