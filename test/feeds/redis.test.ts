import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import { startRedis } from '../support/redis.js';
import type { Stack } from '../support/stack.js';
import { feedConfig, pollsOf, rawSse, sleep, startFeedStack, waitFor, write, type RawSse } from './helpers.js';

const INTERVAL = 500;
/** A poll's calls and the delivery, on a busy machine. */
const SLACK = 1_500;

let redis: Awaited<ReturnType<typeof startRedis>>;
let stack: Stack;
const extra: RunningServer[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  stack = await startFeedStack(INTERVAL, { config: { ...feedConfig(INTERVAL), redisUrl: redis.url } });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of extra) await server.close();
  await stack?.close();
  await redis?.close();
});

/** Another BFF instance in this process, on the same emulator and Redis. */
async function secondInstance(): Promise<RunningServer> {
  const server = await listen(createApp(stack.config), 0, '127.0.0.1');
  extra.push(server);
  return server;
}

/** The same as a separate process (`npm start`), so that it can be killed outright. */
async function instanceProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TWENTY_API_URL: stack.emulator.url,
      REDIS_URL: redis.url,
      FEED_POLL_INTERVAL_MS: String(INTERVAL),
      FEED_REPLAY_WINDOW_MS: '60000',
      GRAPHIQL: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const match = await waitFor(() => /GraphQL: (http:\/\/\S+)\/graphql/.exec(output), 30_000, `the instance to start:\n${output}`);
  return { child, url: match![1] };
}

const on = (server: { url: string }): Stack => ({ ...stack, graphqlUrl: `${server.url}/graphql` });
const titles = (sse: RawSse): string[] => sse.events.map((event) => event.data?.noteChanged?.node?.title).filter(Boolean);

describe('several instances on one Redis', () => {
  it('poll once per interval in total, and every instance’s subscribers get each change once', async () => {
    const other = await secondInstance();
    const query = 'subscription { opportunityChanged { kind id node { name } } }';
    const here = await rawSse(stack, query);
    const there = await rawSse(on(other), query);
    await waitFor(() => other.app.feeds.stats()[0]?.ready && stack.server.app.feeds.stats()[0]?.ready, 10_000, 'both feeds');
    expect([stack.server.app.feeds.stats()[0].polling, other.app.feeds.stats()[0].polling].filter(Boolean)).toHaveLength(1);

    stack.resetCalls();
    const started = Date.now();
    await sleep(6 * INTERVAL);
    const polls = pollsOf(stack, 'opportunities').length;
    const intervals = (Date.now() - started) / INTERVAL;
    expect(polls).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
    expect(polls).toBeLessThanOrEqual(Math.ceil(intervals) + 1);

    const deal = await write.create(stack, 'opportunities', { name: 'Shared deal' });
    const got = (sse: RawSse) => sse.events.filter((event) => event.data?.opportunityChanged?.id === deal.id);
    await waitFor(() => got(here).length > 0 && got(there).length > 0, 10_000, 'the event on both instances');
    await sleep(2 * INTERVAL);
    expect([got(here).length, got(there).length]).toEqual([1, 1]);
    here.close();
    there.close();
  });

  it('keep the events flowing within two intervals when the polling instance dies, none lost, none repeated', async () => {
    const holder = await instanceProcess();
    const query = 'subscription { noteChanged { kind id node { title } } }';
    const holderSubscriber = await rawSse(on(holder), query);
    const client = new Redis(redis.url);
    try {
      const leaseOf = async () => {
        const [key] = await client.keys('twenty-bff:feed:*:notes}:lease');
        return key ? client.get(key) : null;
      };
      const holderLease = await waitFor(leaseOf, 10_000, 'the lease');
      expect(holderLease).toContain(`:${holder.child.pid}:`);

      const survivor = await rawSse(stack, query);
      await waitFor(() => stack.server.app.feeds.stats().find((feed) => feed.object === 'notes')?.ready, 10_000, 'the follower');
      expect(stack.server.app.feeds.stats().find((feed) => feed.object === 'notes')?.polling).toBe(false);

      // Notes keep being written, before, during and after the holder's death.
      const written: Array<{ title: string; at: number }> = [];
      let killedAt = 0;
      for (let i = 0; i < 24; i++) {
        if (i === 8) {
          holder.child.kill('SIGKILL');
          killedAt = Date.now();
        }
        const title = `Note ${i}`;
        await write.create(stack, 'notes', { title });
        written.push({ title, at: Date.now() });
        await sleep(INTERVAL / 3);
      }
      await waitFor(() => titles(survivor).length >= written.length, 20_000, `every note at the survivor (has ${titles(survivor).length})`);
      await sleep(2 * INTERVAL);
      expect(titles(survivor)).toEqual(written.map((note) => note.title));
      expect(survivor.events.every((event) => event.data.noteChanged.kind === 'CREATED')).toBe(true);
      expect(await leaseOf()).not.toBe(holderLease);
      expect(stack.server.app.feeds.stats().find((feed) => feed.object === 'notes')?.polling).toBe(true);

      // A note written after the death reached the survivor within two intervals (plus a poll's time).
      const arrival = new Map<string, number>();
      survivor.events.forEach((event, index) => arrival.set(event.data.noteChanged.node.title, survivor.arrivals[index]));
      const afterDeath = written.filter((note) => note.at > killedAt);
      expect(Math.max(...afterDeath.map((note) => arrival.get(note.title)! - note.at))).toBeLessThan(2 * INTERVAL + SLACK);
      holderSubscriber.close();
      survivor.close();
    } finally {
      await client.quit();
    }
  }, 90_000);
});
