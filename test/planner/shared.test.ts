/**
 * Concurrent operations of one key share by-key batches (src/loaders/shared.ts); operations of
 * different keys never do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors.js';
import type { FetchedChunk } from '../../src/loaders/batch.js';
import { MAX_HOLD_MS, SharedBatches, type KeyRead } from '../../src/loaders/shared.js';
import type { TwentyClient } from '../../src/twenty/types.js';
import { startPlanners, type Planners } from './helpers.js';

const ids = ['a', 'b', 'c', 'd'].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`);

/** A fetch that records the keys of each call and answers one record per key, after `ms`. */
function fakeFetch(ms = 20, fail: (call: number) => boolean = () => false) {
  const calls: string[][] = [];
  const fetch = async (read: KeyRead): Promise<FetchedChunk[]> => {
    const call = calls.push([...read.keys]);
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (fail(call)) throw new UpstreamError('cancelled');
    return [{ keys: [...read.keys], result: read.keys.map((id) => ({ id, companyId: id })) }];
  };
  return { calls, fetch };
}

/** A read of one operation: its own client (a new one, another operation, unless given). */
const read = (keys: string[], client = {} as TwentyClient): KeyRead => ({
  client,
  object: 'people',
  field: 'companyId',
  keys,
  query: { key: '' },
  maxRecords: Infinity,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keysOf = (chunks: FetchedChunk[]) => chunks.flatMap((c) => (Array.isArray(c.result) ? c.result.map((r) => r.id) : [])).sort();

describe('shared batches', () => {
  it('send the reads of one key asked in the same turn as one batch', async () => {
    const { calls, fetch } = fakeFetch();
    const shared = new SharedBatches(fetch);
    const [one, two] = await Promise.all([shared.read('key', read(ids.slice(0, 2))), shared.read('key', read(ids.slice(1, 4)))]);
    expect(calls).toEqual([ids]);
    expect(keysOf(one)).toEqual(ids);
    expect(keysOf(two)).toEqual(ids);
  });

  it('let a read wait for keys already in flight and fetch only the others', async () => {
    const { calls, fetch } = fakeFetch();
    const shared = new SharedBatches(fetch);
    const first = shared.read('key', read(ids.slice(0, 3)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = shared.read('key', read(ids.slice(1, 4)));
    await Promise.all([first, second]);
    expect(calls).toEqual([ids.slice(0, 3), [ids[3]]]);
  });

  it('hold another operation\'s keys while a batch of the same query is in flight, and send them together when it lands', async () => {
    const { calls, fetch } = fakeFetch(30);
    const shared = new SharedBatches(fetch);
    const first = shared.read('key', read([ids[0]]));
    await sleep(5);
    const second = shared.read('key', read([ids[1]]));
    await sleep(5);
    const third = shared.read('key', read([ids[2], ids[3]]));
    await sleep(5);
    expect(calls).toEqual([[ids[0]]]);
    const answers = await Promise.all([first, second, third]);
    expect(calls).toEqual([[ids[0]], ids.slice(1)]);
    expect(answers.map(keysOf)).toEqual([[ids[0]], ids.slice(1), ids.slice(1)]);
  });

  it('never hold an operation\'s reads for its own batch in flight', async () => {
    const { calls, fetch } = fakeFetch(30);
    const shared = new SharedBatches(fetch);
    const operation = {} as TwentyClient;
    const first = shared.read('key', read([ids[0]], operation));
    await sleep(5);
    const second = shared.read('key', read([ids[1]], operation));
    await sleep(5);
    expect(calls).toEqual([[ids[0]], [ids[1]]]);
    await Promise.all([first, second]);
  });

  it('send a held batch that keeps taking keys (a burst) at most MAX_HOLD_MS after it opened', async () => {
    const sentAt = new Map<string, number>();
    const { calls, fetch } = fakeFetch(20);
    const shared = new SharedBatches((r) => {
      for (const key of r.keys) sentAt.set(key, performance.now());
      return fetch(r);
    });
    const many = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
    const readAt = new Map<string, number>();
    const sent: Array<Promise<FetchedChunk[]>> = [];
    for (const key of many) {
      readAt.set(key, performance.now());
      sent.push(shared.read('key', read([key])));
      await sleep(10); // a new operation every 10 ms: never a pause of BURST_GAP_MS
    }
    await Promise.all(sent);
    expect(calls.flat().sort()).toEqual([...many].sort());
    expect(calls.length).toBeLessThanOrEqual(20); // 40 reads, alone or held
    // No key waited much more than MAX_HOLD_MS (plus timer slack) for its batch to go.
    const waits = many.map((key) => sentAt.get(key)! - readAt.get(key)!);
    expect(Math.max(...waits)).toBeLessThan(MAX_HOLD_MS + 60);
  });

  it('never pool the reads of two keys', async () => {
    const { calls, fetch } = fakeFetch();
    const shared = new SharedBatches(fetch);
    await Promise.all([shared.read('acme', read(ids.slice(0, 2))), shared.read('globex', read(ids.slice(0, 2)))]);
    expect(calls).toEqual([ids.slice(0, 2), ids.slice(0, 2)]);
  });

  it('read again for itself what another operation\'s failed batch was to bring', async () => {
    const { calls, fetch } = fakeFetch(20, (call) => call === 1);
    const shared = new SharedBatches(fetch);
    // Settled at once, so its rejection is handled while the second read is awaited.
    const first = Promise.allSettled([shared.read('key', read(ids.slice(0, 2)))]).then(([outcome]) => outcome);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await shared.read('key', read(ids.slice(0, 2)));
    const outcome = await first;
    expect(outcome.status === 'rejected' && String(outcome.reason)).toMatch(/cancelled/);
    expect(keysOf(second)).toEqual(ids.slice(0, 2));
    expect(calls).toHaveLength(2);
  });

  it('read again for itself when the batch it was pooled into in the same turn fails for the sender', async () => {
    const { calls, fetch } = fakeFetch(20, (call) => call === 1);
    const shared = new SharedBatches(fetch);
    const [first, second] = await Promise.allSettled([shared.read('key', read(ids.slice(0, 2))), shared.read('key', read(ids.slice(1, 3)))]);
    expect(first.status).toBe('rejected');
    expect(second.status === 'fulfilled' && keysOf(second.value)).toEqual(ids.slice(1, 3));
    expect(calls).toEqual([ids.slice(0, 3), ids.slice(1, 3)]);
  });
});

describe('concurrent operations', () => {
  let planners: Planners;
  const query = '{ companies(first: 20) { edges { node { id people(filter: { jobTitle: { isNull: false } }) { totalCount edges { node { id } } } } } } }';

  beforeAll(async () => {
    planners = await startPlanners(['on']);
  });
  afterAll(async () => {
    await planners?.close();
  });

  async function concurrently(keys: string[]) {
    planners.emulator.reset();
    const answers = await Promise.all(keys.map((key) => planners.query('on', query, undefined, key)));
    return { answers, log: planners.emulator.stats().requests.log };
  }

  it('of one key share the batch of a relation they both need', async () => {
    const { answers, log } = await concurrently([planners.emulator.keys.acme, planners.emulator.keys.acme]);
    expect(answers[0]).toEqual(answers[1]);
    // The two identical company lists are one call too: the transport makes identical GETs of one
    // key in flight once (src/twenty/coalesce.ts).
    expect(log.filter((c) => c.object === 'companies')).toHaveLength(1);
    expect(log.filter((c) => c.object === 'people')).toHaveLength(1);
  });

  it('of two keys each read with their own key and get their own data', async () => {
    const { answers, log } = await concurrently([planners.emulator.keys.acme, planners.emulator.keys.globex]);
    expect(answers[0]).not.toEqual(answers[1]);
    const people = log.filter((c) => c.object === 'people');
    expect(people.map((c) => c.workspace).sort()).toEqual(['acme', 'globex']);
  });
});
