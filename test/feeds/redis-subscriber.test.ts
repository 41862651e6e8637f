/**
 * The feeds' Redis subscriber while Redis cannot be reached (through a proxy cut for this client
 * only): a SUBSCRIBE that fails is caught (an unhandled rejection would end the process) and sent
 * again once the connection is back, so the topic is heard.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardSubscriptions } from '../../src/feeds/redis-backend.js';
import { startRedis, tcpProxy, type RunningRedis } from '../support/redis.js';
import { waitFor } from './helpers.js';

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

describe('the feeds’ Redis subscriber', () => {
  it('survives a SUBSCRIBE that fails while Redis is away, and subscribes again when it is back', async () => {
    const proxy = await tcpProxy(Number(new URL(redis.url).port));
    proxy.cut();
    const subscriber = new Redis(proxy.url, { enableReadyCheck: false, maxRetriesPerRequest: 1 });
    subscriber.on('error', () => {});
    guardSubscriptions(subscriber);
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(message));
    const publisher = new Redis(redis.url);
    try {
      // Given up by ioredis after one retry: resolved here, not rejected.
      await expect(subscriber.subscribe('twenty-bff:test:news')).resolves.toBe(0);
      await proxy.restore();
      await waitFor(async () => (await publisher.publish('twenty-bff:test:news', 'hello')) > 0, 10_000, 'the topic to be subscribed again');
      await waitFor(() => heard.includes('hello'), 5_000, 'the message');
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
      await proxy.close();
    }
  });
});
