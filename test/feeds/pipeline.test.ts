/**
 * `pipelineUpdated`: the pipeline report as a live query, over SSE and graphql-ws with the real
 * clients. Changes are made through REST directly (as Twenty's app would), so only the feed can
 * tell the BFF; the report cache is on (30 s), so a re-run that read it would send stale numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { sleep, sseSubscribe, startFeedStack, waitFor, write, wsSubscribe, type Collected, type Rec } from './helpers.js';

const INTERVAL = 300;
/** Time for a poll's calls, the debounce, the report and the delivery, on a busy machine. */
const SLACK = 1_500;

let stack: Stack;
beforeAll(async () => {
  stack = await startFeedStack(INTERVAL);
});
afterAll(() => stack.close());

const PIPELINE_FIELDS = 'count totals { amountMicros currencyCode } stages { stage info { label } count totals { amountMicros currencyCode } weightedTotals { amountMicros currencyCode } probability }';
const LIVE = `subscription Live($filter: OpportunityFilter) { pipelineUpdated(filter: $filter) { ${PIPELINE_FIELDS} } }`;
const QUERY = `query Now($filter: OpportunityFilter) { pipeline(filter: $filter) { ${PIPELINE_FIELDS} } }`;

const transports: Array<[string, (variables?: Rec) => Promise<Collected>]> = [
  ['SSE (graphql-sse, distinct connections)', (variables) => sseSubscribe(stack, LIVE, { variables })],
  ['WebSocket (graphql-ws)', (variables) => wsSubscribe(stack, LIVE, { variables })],
];

const groupByCalls = (filter?: (f: string) => boolean) =>
  stack.restCalls().filter((c) => c.path === '/rest/opportunities/groupBy' && (!filter || filter(String(c.query.filter)))).length;
const stageOf = (pipeline: Rec, stage: string): Rec => pipeline.stages.find((s: Rec) => s.stage === stage);
const usd = (totals: Rec[]): bigint => BigInt(totals.find((t) => t.currencyCode === 'USD')?.amountMicros ?? 0);
const pipelineNow = async (filter?: Rec) => {
  const { body } = await stack.query(QUERY, { filter });
  expect(body.errors).toBeUndefined();
  return body.data.pipeline as Rec;
};

describe.each(transports)('pipelineUpdated over %s', (_name, subscribe) => {
  it('sends the pipeline at once, then a new one within one interval of each change made through REST, and nothing when nothing changed', async () => {
    const live = await subscribe();
    try {
      await waitFor(() => live.changes().length === 1, 10_000, 'the first pipeline');
      expect(live.changes()[0]).toEqual(await pipelineNow());
      const first = live.changes()[0];

      // Nothing changed for several intervals: nothing more is sent.
      await sleep(4 * INTERVAL);
      expect(live.changes()).toHaveLength(1);

      // A deal created: the count and total of its stage, and of the whole pipeline, move.
      let started = Date.now();
      const deal = await write.create(stack, 'opportunities', { name: 'Live pipeline deal', stage: 'MEETING', amount: { amountMicros: 7_000_000_000, currencyCode: 'USD' } });
      let got = await waitFor(() => live.changes()[1], INTERVAL + SLACK + 1_000, 'the pipeline after a create');
      expect(live.arrivals[live.results.length - 1] - started).toBeLessThan(INTERVAL + SLACK);
      expect(got.count).toBe(first.count + 1);
      expect(stageOf(got, 'MEETING').count).toBe(stageOf(first, 'MEETING').count + 1);
      expect(usd(stageOf(got, 'MEETING').totals)).toBe(usd(stageOf(first, 'MEETING').totals) + 7_000_000_000n);
      // What a query answers now is the same: the live run dropped the cached report.
      expect(await pipelineNow()).toEqual(got);

      // Its amount updated.
      started = Date.now();
      await write.update(stack, 'opportunities', deal.id, { amount: { amountMicros: 9_000_000_000, currencyCode: 'USD' } });
      got = await waitFor(() => live.changes()[2], INTERVAL + SLACK + 1_000, 'the pipeline after an update');
      expect(live.arrivals[live.results.length - 1] - started).toBeLessThan(INTERVAL + SLACK);
      expect(usd(stageOf(got, 'MEETING').totals)).toBe(usd(stageOf(first, 'MEETING').totals) + 9_000_000_000n);

      // Moved to another stage: one column loses it, the other gains it.
      started = Date.now();
      await write.update(stack, 'opportunities', deal.id, { stage: 'PROPOSAL' });
      got = await waitFor(() => live.changes()[3], INTERVAL + SLACK + 1_000, 'the pipeline after a move');
      expect(live.arrivals[live.results.length - 1] - started).toBeLessThan(INTERVAL + SLACK);
      expect(stageOf(got, 'MEETING')).toEqual(stageOf(first, 'MEETING'));
      expect(stageOf(got, 'PROPOSAL').count).toBe(stageOf(first, 'PROPOSAL').count + 1);
      expect(usd(stageOf(got, 'PROPOSAL').totals)).toBe(usd(stageOf(first, 'PROPOSAL').totals) + 9_000_000_000n);

      // A change that leaves the pipeline as it was: the report runs again, nothing is sent.
      const runs = groupByCalls();
      await write.update(stack, 'opportunities', deal.id, { name: 'Live pipeline deal, renamed' });
      await waitFor(() => groupByCalls() > runs, INTERVAL + SLACK + 1_000, 'the re-run');
      await sleep(2 * INTERVAL);
      expect(live.changes()).toHaveLength(4);

      // Gone (destroyed): back to the first pipeline.
      await write.destroy(stack, 'opportunities', deal.id);
      got = await waitFor(() => live.changes()[4], 6 * INTERVAL + SLACK, 'the pipeline after a destroy');
      expect(got).toEqual(first);
      expect(live.results.every((r) => r.errors === undefined)).toBe(true);
    } finally {
      live.close();
    }
  }, 60_000);

  it('applies its filter: a change outside it sends nothing, one inside it sends the filtered pipeline', async () => {
    const filter = { stage: { in: ['CUSTOMER'] } };
    const live = await subscribe({ filter });
    try {
      await waitFor(() => live.changes().length === 1, 10_000, 'the first pipeline');
      const first = live.changes()[0];
      expect(first).toEqual(await pipelineNow(filter));
      expect(first.count).toBe(stageOf(first, 'CUSTOMER').count);
      // Every stage is listed, the others empty.
      expect(first.stages.filter((s: Rec) => s.stage !== 'CUSTOMER').every((s: Rec) => s.count === 0)).toBe(true);

      const runs = groupByCalls();
      await write.create(stack, 'opportunities', { name: 'Outside the filter', stage: 'NEW' });
      await waitFor(() => groupByCalls() > runs, INTERVAL + SLACK + 1_000, 'the re-run');
      await sleep(2 * INTERVAL);
      expect(live.changes()).toHaveLength(1);

      await write.create(stack, 'opportunities', { name: 'Inside the filter', stage: 'CUSTOMER', amount: { amountMicros: 1_000_000, currencyCode: 'EUR' } });
      const got = await waitFor(() => live.changes()[1], INTERVAL + SLACK + 1_000, 'the filtered pipeline');
      expect(got.count).toBe(first.count + 1);
      expect(stageOf(got, 'CUSTOMER').totals).toContainEqual({ amountMicros: String(BigInt(stageOf(first, 'CUSTOMER').totals.find((t: Rec) => t.currencyCode === 'EUR')?.amountMicros ?? 0) + 1_000_000n), currencyCode: 'EUR' });
    } finally {
      live.close();
    }
  }, 60_000);
});

describe('pipelineUpdated, many subscribers', () => {
  it('runs the report once per key and filter per change, however many subscribe and over whichever transport', async () => {
    const won = { stage: { eq: 'CUSTOMER' } };
    // The same filter, its operators written in another order.
    const wonToo = { stage: { eq: 'CUSTOMER', neq: 'NEW' } };
    const wonReordered = { stage: { neq: 'NEW', eq: 'CUSTOMER' } };
    const subscribers = [
      await sseSubscribe(stack, LIVE, { variables: { filter: wonToo } }),
      await sseSubscribe(stack, LIVE, { variables: { filter: wonReordered } }),
      await sseSubscribe(stack, LIVE, { variables: { filter: wonToo }, singleConnection: true }),
      await wsSubscribe(stack, LIVE, { variables: { filter: wonToo } }),
      await wsSubscribe(stack, LIVE, { variables: { filter: wonReordered } }),
    ];
    const unfiltered = [await sseSubscribe(stack, LIVE), await wsSubscribe(stack, LIVE)];
    const all = [...subscribers, ...unfiltered];
    try {
      await waitFor(() => all.every((s) => s.changes().length === 1), 10_000, 'every first pipeline');
      expect(subscribers.map((s) => s.changes()[0])).toEqual(subscribers.map(() => subscribers[0].changes()[0]));
      expect(subscribers[0].changes()[0]).toEqual(await pipelineNow(won));

      stack.resetCalls();
      await write.create(stack, 'opportunities', { name: 'Won for everyone', stage: 'CUSTOMER' });
      await waitFor(() => all.every((s) => s.changes().length === 2), INTERVAL + SLACK + 1_000, 'every new pipeline');
      await sleep(2 * INTERVAL);
      // One run for the filtered subscribers, one for the unfiltered ones, each one groupBy call.
      const isWon = (f: string) => f.includes('stage[eq]:CUSTOMER');
      expect(groupByCalls(isWon)).toBe(1);
      expect(groupByCalls((f) => !isWon(f))).toBe(1);
      expect(subscribers[0].changes()[1].count).toBe(subscribers[0].changes()[0].count + 1);
    } finally {
      for (const s of all) s.close();
    }
    await waitFor(() => stack.server.app.feeds.stats().every((feed) => feed.members === 0), 5_000, 'the feeds to stop');
  }, 60_000);

  it('refuses a filter Twenty cannot take at once, with its code', async () => {
    const live = await sseSubscribe(stack, LIVE, { variables: { filter: { id: { eq: 'not-a-uuid' } } } });
    try {
      await waitFor(() => live.completed || live.results.length > 0, 10_000, 'the error');
      expect(live.results[0].errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      live.close();
    }
  });
});
