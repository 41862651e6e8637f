import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareEventIds } from '../../src/feeds/events.js';
import { RECONCILE_EVERY } from '../../src/feeds/feed.js';
import type { Stack } from '../support/stack.js';
import { restAll } from '../graphql/helpers.js';
import { sleep, sseSubscribe, startFeedStack, waitFor, write, wsSubscribe, type Collected, type Rec } from './helpers.js';

const INTERVAL = 300;
/** Time for a poll's calls and the delivery, on a busy machine. */
const SLACK = 1_500;

let stack: Stack;
let company: Rec;
beforeAll(async () => {
  stack = await startFeedStack(INTERVAL);
  company = (await restAll(stack, 'companies'))[0];
});
afterAll(() => stack.close());

const OPPORTUNITY_CHANGES = `subscription Deals($filter: OpportunityFilter) {
  opportunityChanged(filter: $filter) { kind id changedFields at eventId node { id name stage deletedAt company { name } } }
}`;

const transports: Array<[string, (query: string, variables?: Rec, key?: string) => Promise<Collected>]> = [
  ['SSE, distinct connections', (query, variables, key) => sseSubscribe(stack, query, { variables, key })],
  ['SSE, graphql-sse single connection', (query, variables, key) => sseSubscribe(stack, query, { variables, key, singleConnection: true })],
  ['WebSocket, graphql-ws', (query, variables, key) => wsSubscribe(stack, query, { variables, key })],
];

describe.each(transports)('opportunityChanged over %s', (_name, subscribe) => {
  it('gets each change made through REST as the right event, within one interval', async () => {
    const feed = await subscribe(OPPORTUNITY_CHANGES);
    try {
      const ofDeal = (kind: string) => (change: Rec) => change.id === id && change.kind === kind;
      let started = Date.now();
      const created = await write.create(stack, 'opportunities', { name: 'Live deal', stage: 'NEW', companyId: company.id });
      const id = created.id as string;
      let got = await feed.next(ofDeal('CREATED'));
      expect(got.at - started).toBeLessThan(INTERVAL + SLACK);
      // `node` resolves relations like any query.
      expect(got.change.node).toEqual({ id, name: 'Live deal', stage: 'NEW', deletedAt: null, company: { name: company.name } });
      expect(got.change.changedFields).toBeNull();

      started = Date.now();
      await write.update(stack, 'opportunities', id, { name: 'Live deal, renamed', stage: 'MEETING' });
      got = await feed.next(ofDeal('UPDATED'));
      expect(got.at - started).toBeLessThan(INTERVAL + SLACK);
      expect([...got.change.changedFields].sort()).toEqual(['name', 'stage']);
      expect(got.change.node).toMatchObject({ name: 'Live deal, renamed', stage: 'MEETING' });

      started = Date.now();
      await write.softDelete(stack, 'opportunities', id);
      got = await feed.next(ofDeal('DELETED'));
      expect(got.at - started).toBeLessThan(INTERVAL + SLACK);
      expect(got.change.node.deletedAt).toEqual(expect.any(String));

      started = Date.now();
      await write.restore(stack, 'opportunities', id);
      got = await feed.next(ofDeal('RESTORED'));
      expect(got.at - started).toBeLessThan(INTERVAL + SLACK);
      expect(got.change.node.deletedAt).toBeNull();

      // A hard delete leaves nothing to poll for: the reconciliation finds it.
      started = Date.now();
      await write.destroy(stack, 'opportunities', id);
      got = await feed.next(ofDeal('DESTROYED'), 20_000);
      expect(got.at - started).toBeLessThan(RECONCILE_EVERY * INTERVAL + SLACK);
      expect(got.change.node).toBeNull();

      const mine = feed.changes().filter((change) => change.id === id);
      expect(mine.map((change) => change.kind)).toEqual(['CREATED', 'UPDATED', 'DELETED', 'RESTORED', 'DESTROYED']);
      const ids = mine.map((change) => change.eventId as string);
      expect(ids).toEqual([...ids].sort(compareEventIds));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      feed.close();
    }
  });

  it('sees a record enter and leave its filter, and nothing of records outside it', async () => {
    const filtered = await subscribe(OPPORTUNITY_CHANGES, { filter: { stage: { eq: 'PROPOSAL' } } });
    const everything = await subscribe(OPPORTUNITY_CHANGES);
    try {
      const id = (await write.create(stack, 'opportunities', { name: 'Board card', stage: 'NEW' })).id as string;
      await everything.next((c) => c.id === id && c.kind === 'CREATED');
      await write.update(stack, 'opportunities', id, { stage: 'PROPOSAL' });
      await filtered.next((c) => c.id === id && c.node.stage === 'PROPOSAL');
      await write.update(stack, 'opportunities', id, { stage: 'CUSTOMER' });
      const left = await filtered.next((c) => c.id === id && c.node.stage === 'CUSTOMER');
      expect(left.change).toMatchObject({ kind: 'UPDATED', changedFields: ['stage'] });
      await write.update(stack, 'opportunities', id, { name: 'Board card, won' });
      await everything.next((c) => c.id === id && c.node.name === 'Board card, won');
      await sleep(200);
      expect(filtered.changes().filter((c) => c.id === id).map((c) => c.node.stage)).toEqual(['PROPOSAL', 'CUSTOMER']);
    } finally {
      filtered.close();
      everything.close();
    }
  });
});

describe('feeds and keys', () => {
  it('never carries one key’s records to another key’s subscribers', async () => {
    const acme = await sseSubscribe(stack, 'subscription { companyChanged { kind id node { name } } }');
    const globex = await sseSubscribe(stack, 'subscription { companyChanged { kind id node { name } } }', { key: stack.emulator.keys.globex });
    try {
      const mine = await write.create(stack, 'companies', { name: 'Acme only' });
      await acme.next((c) => c.id === mine.id);
      expect(stack.server.app.feeds.stats().filter((feed) => feed.object === 'companies' && feed.members > 0)).toHaveLength(2);
      await sleep(2 * INTERVAL);
      expect(globex.changes()).toEqual([]);
    } finally {
      acme.close();
      globex.close();
    }
  });

  it('refuses a bad filter and a key Twenty refuses, before any event', async () => {
    const firstError = async (feed: Collected) => (await waitFor(() => feed.results[0], 5_000, 'an error')).errors?.[0]?.extensions?.code;
    const badFilter = await sseSubscribe(stack, 'subscription { opportunityChanged(filter: { id: { eq: "not-a-uuid" } }) { id } }');
    expect(await firstError(badFilter)).toBe('BAD_USER_INPUT');
    // A key Twenty refuses fails the request as a whole over HTTP: 401 (its body still carries the
    // UNAUTHENTICATED error), which graphql-sse's client reports as a network error.
    const badKey = await sseSubscribe(stack, 'subscription { opportunityChanged { id } }', { key: 'not-a-key' });
    await waitFor(() => badKey.results[0], 5_000, 'an error');
    expect(badKey.results[0].errors?.[0]?.message).toMatch(/responded with 401/);
    const overWs = await wsSubscribe(stack, 'subscription { taskChanged { id } }', { key: 'not-a-key' });
    expect(await firstError(overWs)).toBe('UNAUTHENTICATED');
    for (const feed of [badFilter, badKey, overWs]) feed.close();
  });

  it('keeps a feed alive through Twenty failures and delivers what changed meanwhile', async () => {
    const feed = await sseSubscribe(stack, 'subscription { taskChanged { kind id node { title } } }');
    try {
      // Every attempt of the next polls fails (the client's retries included), then Twenty is back.
      stack.emulator.injectFault({ kind: '503', times: 12, method: 'GET', path: '/rest/tasks' });
      const task = await write.create(stack, 'tasks', { title: 'Made during an outage' });
      const { change } = await feed.next((c) => c.id === task.id, 30_000);
      expect(change).toMatchObject({ kind: 'CREATED', node: { title: 'Made during an outage' } });
      expect(feed.results.filter((r) => r.errors)).toEqual([]);
      const failed = stack.restCalls().filter((call) => call.object === 'tasks' && call.status === 503).length;
      expect(failed).toBe(12);
    } finally {
      feed.close();
    }
  });

  it('ends a feed’s subscribers with the code of the error that ended it', async () => {
    const feed = await sseSubscribe(stack, 'subscription { noteChanged { kind id } }');
    try {
      await waitFor(() => stack.server.app.feeds.stats().find((f) => f.object === 'notes' && f.members > 0)?.ready, 10_000, 'the notes feed');
      // A final error in a poll after the start: it reaches the subscriber through the feed's channel.
      stack.emulator.injectFault({ kind: '402', times: 1, method: 'GET', path: '/rest/notes' });
      const ended = await waitFor(() => feed.results.find((r) => r.errors), 10_000, 'the error');
      expect(ended.errors?.[0]?.extensions?.code).toBe('CREDITS_EXHAUSTED');
    } finally {
      feed.close();
    }
  });

  it('resolves the nested fields of one event once for all the subscribers of a key', async () => {
    const query = 'subscription { personChanged { id node { company { name } } } }';
    const feeds = [await sseSubscribe(stack, query), await sseSubscribe(stack, query), await wsSubscribe(stack, query)];
    try {
      const person = await write.create(stack, 'people', { name: { firstName: 'Ada', lastName: 'Live' }, companyId: company.id });
      stack.resetCalls();
      await write.update(stack, 'people', person.id, { jobTitle: 'Engineer' });
      for (const feed of feeds) {
        const { change } = await feed.next((c) => c.id === person.id && c.node.company !== undefined);
        expect(change.node.company).toEqual({ name: company.name });
      }
      const companyReads = stack.restCalls().filter((call) => call.object === 'companies' && call.method === 'GET');
      expect(companyReads).toHaveLength(1);
    } finally {
      for (const feed of feeds) feed.close();
    }
  });
});
