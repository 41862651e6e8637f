import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook, WEBHOOK_PATH, WEBHOOK_TOLERANCE_MS } from '../../src/feeds/webhooks.js';
import { rest } from '../emulator/helpers.js';
import type { Stack } from '../support/stack.js';
import { feedConfig, pollsOf, sleep, sseSubscribe, startFeedStack, waitFor, write, type Collected, type Rec } from './helpers.js';

// Polling is set far apart: whatever arrives sooner was woken by a webhook.
const LONG_INTERVAL = 30_000;
const SECRET = 'feeds-webhook-secret';

let stack: Stack;
let feed: Collected;
beforeAll(async () => {
  stack = await startFeedStack(LONG_INTERVAL, { config: feedConfig(LONG_INTERVAL, { webhookSecret: SECRET }) });
  // Registered as against a real Twenty: the emulator signs and sends its deliveries to the BFF.
  const registered = await rest(stack.emulator, '/rest/webhooks', {
    method: 'POST',
    body: { targetUrl: `${stack.server.url}${WEBHOOK_PATH}`, operations: ['*.*'], secret: SECRET },
  });
  expect(registered.status).toBe(201);
  feed = await sseSubscribe(stack, 'subscription { opportunityChanged { kind id changedFields node { name } } }');
});
afterAll(async () => {
  feed.close();
  await stack.close();
});

/** POSTs a delivery to the BFF as Twenty would, signed unless told otherwise. */
async function deliver(body: Rec, options: { timestamp?: number; signature?: string; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Date.now());
  const response = await fetch(`${stack.server.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-twenty-webhook-timestamp': timestamp,
      'x-twenty-webhook-signature': options.signature ?? signWebhook(SECRET, timestamp, raw),
      'x-twenty-webhook-nonce': 'a'.repeat(32),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Rec, raw, timestamp };
}

function delivery(eventName: string, record: Rec): Rec {
  return {
    targetUrl: `${stack.server.url}${WEBHOOK_PATH}`,
    eventName,
    objectMetadata: { id: 'f0f0f0f0-0000-4000-8000-000000000000', nameSingular: eventName.split('.')[0] },
    workspaceId: stack.emulator.workspaceIds.acme,
    webhookId: 'f0f0f0f0-0000-4000-8000-000000000001',
    eventDate: new Date().toISOString(),
    record,
  };
}

/** The change polls of opportunities made during `run` and the settle time after it. */
async function pollsDuring(run: () => Promise<unknown>, settleMs = 400): Promise<number> {
  await sleep(100);
  stack.resetCalls();
  await run();
  await sleep(settleMs);
  return pollsOf(stack, 'opportunities').length;
}

describe('Twenty webhooks', () => {
  it('bring a change made through REST to subscribers at once, long before the next poll', async () => {
    const started = Date.now();
    const deal = await write.create(stack, 'opportunities', { name: 'Hooked deal' });
    await feed.next((c) => c.id === deal.id && c.kind === 'CREATED', 10_000);
    await write.update(stack, 'opportunities', deal.id, { name: 'Hooked deal, renamed' });
    const updated = await feed.next((c) => c.id === deal.id && c.kind === 'UPDATED', 10_000);
    expect(updated.change.changedFields).toEqual(['name']);
    // A destroyed record's webhook has the feed check that id at once, without the reconciliation.
    await write.destroy(stack, 'opportunities', deal.id);
    await feed.next((c) => c.id === deal.id && c.kind === 'DESTROYED', 10_000);
    expect(Date.now() - started).toBeLessThan(LONG_INTERVAL / 3);
    expect(feed.changes().filter((c) => c.id === deal.id).map((c) => c.kind)).toEqual(['CREATED', 'UPDATED', 'DESTROYED']);
  });

  it('wake the poller for a genuine delivery, and do nothing for forged, stale, replayed or twin deliveries', async () => {
    const [deal] = (await rest(stack.emulator, '/rest/opportunities?limit=1')).body.data.opportunities as Rec[];
    const genuine = delivery('opportunity.updated', { ...deal, updatedFields: undefined });

    let first!: Awaited<ReturnType<typeof deliver>>;
    expect(await pollsDuring(async () => (first = await deliver(genuine)))).toBe(1);
    expect(first.status).toBe(200);

    const forged = await pollsDuring(async () => {
      const answer = await deliver(genuine, { signature: 'f'.repeat(64) });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/bad signature/);
      expect((await deliver(genuine, { signature: '' })).status).toBe(401);
    });
    expect(forged).toBe(0);

    const stale = await pollsDuring(async () => {
      const answer = await deliver(genuine, { timestamp: Date.now() - WEBHOOK_TOLERANCE_MS - 60_000 });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/stale/);
    });
    expect(stale).toBe(0);

    const replayed = await pollsDuring(async () => {
      const answer = await deliver(genuine, { timestamp: Number(first.timestamp), raw: first.raw });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/replayed/);
    });
    expect(replayed).toBe(0);

    const twin = await pollsDuring(async () => {
      const answer = await deliver({ ...genuine, eventName: 'opportunity.upserted' });
      expect(answer.status).toBe(200);
      expect(answer.body.duplicate).toBe(true);
    });
    expect(twin).toBe(0);

    const tooBig = await pollsDuring(async () => {
      expect((await deliver(genuine, { raw: JSON.stringify({ ...genuine, padding: 'x'.repeat(2 * 1024 * 1024) }) })).status).toBe(413);
    });
    expect(tooBig).toBe(0);

    // Authentic but of no use: an object without feeds, a metadata event.
    const ignored = await pollsDuring(async () => {
      expect((await deliver(delivery('noteTarget.created', { id: deal.id }))).body.ignored).toBe(true);
      expect((await deliver({ eventName: 'metadata.updated', workspaceId: stack.emulator.workspaceIds.acme, event: {} })).body.ignored).toBe(true);
    });
    expect(ignored).toBe(0);
    expect(feed.changes().filter((c) => c.id === deal.id)).toEqual([]);
  });

  it('wake only the feeds of the workspace a delivery names, once it is known', async () => {
    await rest(stack.emulator, '/rest/webhooks', {
      method: 'POST',
      key: stack.emulator.keys.globex,
      body: { targetUrl: `${stack.server.url}${WEBHOOK_PATH}`, operations: ['opportunity.*'], secret: SECRET },
    });
    const globex = await sseSubscribe(stack, 'subscription { opportunityChanged { id } }', { key: stack.emulator.keys.globex });
    try {
      // Each feed learns its workspace when a poll a delivery caused finds the record it named.
      const deal = await write.create(stack, 'opportunities', { name: 'Acme learns' });
      await feed.next((c) => c.id === deal.id, 10_000);
      const theirs = await rest(stack.emulator, '/rest/opportunities', { method: 'POST', key: stack.emulator.keys.globex, body: { name: 'Globex learns' } });
      await globex.next((c) => c.id === theirs.body.data.createOpportunity.id, 10_000);
      await sleep(200);
      stack.resetCalls();
      await deliver(delivery('opportunity.updated', { id: deal.id, updatedAt: new Date().toISOString() }));
      await waitFor(() => pollsOf(stack, 'opportunities').length > 0, 5_000, 'a poll');
      await sleep(300);
      expect(pollsOf(stack, 'opportunities').map((call) => call.workspace)).toEqual(['acme']);
    } finally {
      globex.close();
    }
  });

  it('are refused when no secret is configured', async () => {
    const plain = await startFeedStack(LONG_INTERVAL);
    try {
      const response = await fetch(`${plain.server.url}${WEBHOOK_PATH}`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
      expect(((await response.json()) as Rec).error).toMatch(/TWENTY_WEBHOOK_SECRET/);
    } finally {
      await plain.close();
    }
  });
});
