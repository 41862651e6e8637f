/**
 * Live feeds as an operator sees them on `/metrics` and in the log: subscriptions open and the
 * results they were sent, feeds and their pollers, polls with their REST calls and the events
 * they found, webhook deliveries by reason; a feed that cannot poll is one warning when it starts
 * failing and one line when it works again (never a line per poll), and so is a Redis outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook, WEBHOOK_PATH } from '../../src/feeds/webhooks.js';
import { capturingLogger } from '../support/logs.js';
import { moved, scrape } from '../support/metrics.js';
import { startRedis } from '../support/redis.js';
import { startStack, type Stack } from '../support/stack.js';
import { feedConfig, sleep, sseSubscribe, waitFor, write } from './helpers.js';

const INTERVAL = 200;
const SECRET = 'metrics-webhook-secret';

describe('feeds on /metrics and in the log', () => {
  const { lines, logger } = capturingLogger();
  let stack: Stack;
  beforeAll(async () => {
    // One retry per call: a failed poll is two attempts.
    stack = await startStack({ emulator: { companies: 5 }, config: { ...feedConfig(INTERVAL, { webhookSecret: SECRET }), upstreamMaxRetries: 1 }, logger });
  });
  afterAll(() => stack?.close());

  const feedOf = (object: string) => stack.server.app.feeds.stats().find((feed) => feed.object === object);

  it('count subscriptions, feeds, pollers, polls and their calls, the events found and the results sent', async () => {
    const before = await scrape(stack.server.url);
    stack.resetCalls();
    const subscription = await sseSubscribe(stack, 'subscription Watch { companyChanged { kind id } }');
    await waitFor(() => feedOf('companies')?.ready, 10_000, 'the companies feed');
    const open = await scrape(stack.server.url);
    expect(open.value('twenty_bff_subscriptions', { field: 'companyChanged' })).toBe(1);
    expect(open.value('twenty_bff_feeds', { object: 'companies' })).toBe(1);
    expect(open.value('twenty_bff_feed_pollers', { object: 'companies' })).toBe(1);
    expect(open.value('twenty_bff_feed_members', { object: 'companies' })).toBe(1);
    expect(moved(before, open, 'twenty_bff_feed_polls_total', { object: 'companies', type: 'baseline', outcome: 'ok' })).toBe(1);

    const created = await write.create(stack, 'companies', { name: 'Metrics Co' });
    await subscription.next((change) => change.id === created.id && change.kind === 'CREATED');
    subscription.close();
    await waitFor(() => feedOf('companies')?.members === 0 && !feedOf('companies')?.polling, 5_000, 'the feed to stop');
    await sleep(INTERVAL); // a poll under way when the last member left ends and is counted
    const after = await scrape(stack.server.url);
    expect(moved(before, after, 'twenty_bff_subscription_events_total', { field: 'companyChanged' })).toBe(1);
    expect(moved(before, after, 'twenty_bff_feed_events_total', { object: 'companies', kind: 'CREATED' })).toBe(1);
    expect(moved(before, after, 'twenty_bff_feed_polls_total', { object: 'companies', type: 'changes', outcome: 'ok' })).toBeGreaterThan(0);
    // Every REST call the feed made is counted, and nothing else read companies meanwhile.
    const feedCalls = stack.restCalls().filter((call) => call.object === 'companies' && call.method === 'GET').length;
    expect(moved(before, after, 'twenty_bff_feed_poll_requests_total', { object: 'companies' })).toBe(feedCalls);
    expect(after.value('twenty_bff_subscriptions', { field: 'companyChanged' })).toBe(0);
    expect(after.value('twenty_bff_feed_members', { object: 'companies' })).toBe(0);
    expect(after.value('twenty_bff_feed_pollers', { object: 'companies' })).toBe(0);
  });

  it('say once that a feed is failing and once that it works again, however many polls failed', async () => {
    const subscription = await sseSubscribe(stack, 'subscription { personChanged { kind id } }');
    await waitFor(() => feedOf('people')?.ready, 10_000, 'the people feed');
    const before = await scrape(stack.server.url);
    lines.length = 0;
    // Two polls fail (two attempts each); the interval doubles after each.
    stack.emulator.injectFault({ kind: '503', times: 4, method: 'GET', path: '/rest/people' });
    await waitFor(() => lines.some((line) => line.level >= 40), 10_000, 'the warning');
    expect((await scrape(stack.server.url)).value('twenty_bff_feeds_failing', { object: 'people' })).toBe(1);
    await waitFor(() => lines.some((line) => line.feed?.object === 'people' && line.level === 30), 10_000, 'the recovery line');
    const failing = lines.filter((line) => line.level >= 40);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ feed: { object: 'people' }, err: { message: expect.stringContaining('503') } });
    expect(failing[0].msg).toMatch(/^Live feed of people failing/);
    expect(failing[0].feed.key).toMatch(/^[0-9a-f]{8}$/);
    const recovered = lines.find((line) => line.feed?.object === 'people' && line.level === 30)!;
    expect(recovered.feed).toMatchObject({ failures: 2, downMs: expect.any(Number) });
    expect(recovered.msg).toMatch(/^Live feed of people works again, after 2 failed attempts over \d/);
    const after = await scrape(stack.server.url);
    expect(moved(before, after, 'twenty_bff_feed_polls_total', { object: 'people', outcome: 'error' })).toBe(2);
    expect(after.value('twenty_bff_feeds_failing', { object: 'people' })).toBe(0);
    subscription.close();
  });

  it('count webhook deliveries by what became of them', async () => {
    const post = async (raw: string, headers: Record<string, string>, method = 'POST') =>
      (await fetch(`${stack.server.url}${WEBHOOK_PATH}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'POST' ? raw : undefined })).status;
    const signed = (raw: string, timestamp = Date.now()) => ({
      'x-twenty-webhook-timestamp': String(timestamp),
      'x-twenty-webhook-signature': signWebhook(SECRET, String(timestamp), raw),
    });
    const unknown = JSON.stringify({ eventName: 'calendarEvent.created', workspaceId: 'w', record: { id: 'r' } });
    const before = await scrape(stack.server.url);
    expect(await post(unknown, {})).toBe(401);
    expect(await post(unknown, { ...signed(unknown), 'x-twenty-webhook-signature': 'ab'.repeat(32) })).toBe(401);
    expect(await post(unknown, signed(unknown, Date.now() - 3_600_000))).toBe(401);
    const once = signed(unknown);
    expect(await post(unknown, once)).toBe(200);
    expect(await post(unknown, once)).toBe(401);
    expect(await post('not json', signed('not json'))).toBe(400);
    expect(await post('', {}, 'GET')).toBe(405);
    const after = await scrape(stack.server.url);
    const count = (result: string, reason: string) => moved(before, after, 'twenty_bff_webhook_deliveries_total', { result, reason });
    expect(count('refused', 'malformed')).toBe(1);
    expect(count('refused', 'bad_signature')).toBe(1);
    expect(count('refused', 'stale')).toBe(1);
    expect(count('refused', 'replayed')).toBe(1);
    expect(count('refused', 'not_json')).toBe(1);
    expect(count('refused', 'method')).toBe(1);
    expect(count('accepted', 'ignored')).toBe(1);
  });
});

describe('a Redis outage', () => {
  it('is one warning per use of Redis when it starts, one line with its length when it ends, and the fallback shows', async () => {
    const { lines, logger } = capturingLogger();
    let redis = await startRedis();
    const port = Number(new URL(redis.url).port);
    const stack = await startStack({
      emulator: { companies: 3 },
      config: { ...feedConfig(INTERVAL), redisUrl: redis.url, twentyRateLimitPerMinute: 1_000, twentyRateLimitPerSecond: 100 },
      logger,
    });
    try {
      expect((await stack.query('{ companies(first: 1) { totalCount } }')).body.errors).toBeUndefined();
      await redis.close();
      // The budget falls back for every call of the outage; it says so once.
      for (let i = 0; i < 3; i++) expect((await stack.query(`{ companies(first: ${i + 1}) { totalCount } }`)).body.errors).toBeUndefined();
      expect((await scrape(stack.server.url)).value('twenty_bff_budget_redis_fallback')).toBe(1);
      await waitFor(() => lines.filter((line) => line.redis?.use === 'feeds').length >= 2, 10_000, 'the feeds’ connections to notice');
      await sleep(1_000); // ioredis keeps trying to reconnect meanwhile

      redis = await startRedis({ port });
      await waitFor(() => lines.filter((line) => line.redis?.use === 'feeds' && line.level === 30).length >= 2, 15_000, 'the feeds’ connections to come back');
      expect((await stack.query('{ companies(first: 5) { totalCount } }')).body.errors).toBeUndefined();
      expect((await scrape(stack.server.url)).value('twenty_bff_budget_redis_fallback')).toBe(0);

      const redisLines = lines.filter((line) => line.redis);
      const down = redisLines.filter((line) => line.level === 40);
      expect(down.map((line) => `${line.redis.use}:${line.redis.connection ?? ''}`).sort()).toEqual(['budget:', 'feeds:commands', 'feeds:events']);
      const up = redisLines.filter((line) => line.level === 30);
      expect(up.map((line) => `${line.redis.use}:${line.redis.connection ?? ''}`).sort()).toEqual(['budget:', 'feeds:commands', 'feeds:events']);
      for (const line of up) expect(line.redis.downMs).toBeGreaterThan(500);
      expect(up.find((line) => line.redis.use === 'budget')?.msg).toMatch(/^Redis is back: the outbound budget is shared again after \d/);
    } finally {
      await stack.close();
      await redis.close();
    }
  });
});
