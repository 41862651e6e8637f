/**
 * `POST /webhooks/twenty`: Twenty's webhook deliveries (§11), used only to wake feeds.
 *
 * A delivery is believed only if its signature, hex HMAC-SHA256(secret, `${timestamp}:${raw body}`),
 * matches in constant time, its timestamp is within five minutes of now, and its signature was
 * not seen before (a replay): otherwise 401 and nothing happens. It never carries data to anyone:
 * it wakes the pollers of its object, which ask Twenty with their own keys, so a delivery that
 * got through anyway could cost one extra poll, never show a record. Twenty sends an `upserted`
 * twin of every create and update; the twin wakes nobody.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { SINGULAR } from '../twenty/names.js';
import type { ObjectPlural } from '../twenty/types.js';
import { FEED_OBJECTS } from './events.js';
import type { FeedHub, WebhookOutcome } from './hub.js';
import { notify } from '../hooks.js';

export const WEBHOOK_PATH = '/webhooks/twenty';
/** Deliveries older (or further in the future) than this are refused as stale. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;
/** Twenty's bodies are one record: far below this. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The objects with feeds, by the singular name webhooks use (`opportunity.updated`). */
const FED_OBJECTS: ReadonlyMap<string, ObjectPlural> = new Map(FEED_OBJECTS.map((plural) => [SINGULAR[plural], plural]));

type RefusalReason = Extract<WebhookOutcome, { accepted: false }>['reason'];

const ACTIONS = new Set(['created', 'updated', 'upserted', 'deleted', 'restored', 'destroyed']);

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
}

export function useTwentyWebhooks(options: { secret?: string; hub: FeedHub }): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== WEBHOOK_PATH) return;
      return receive(request, options).then(({ status, body, outcome }) => {
        notify((delivery) => options.hub.options.observer?.onWebhook?.(delivery), outcome);
        endResponse(Response.json(body, { status }));
      });
    },
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  outcome: WebhookOutcome;
}

async function receive(request: Request, { secret, hub }: { secret?: string; hub: FeedHub }): Promise<Answer> {
  const refusal = (status: number, reason: RefusalReason, error: string): Answer => ({ status, body: { error }, outcome: { accepted: false, reason } });
  const accepted = (reason: 'woke' | 'duplicate' | 'ignored', body: Record<string, unknown>): Answer => ({ status: 200, body, outcome: { accepted: true, reason } });
  if (!secret) return refusal(404, 'not_configured', 'Webhooks are off: set TWENTY_WEBHOOK_SECRET to the secret of your Twenty webhooks.');
  if (request.method !== 'POST') return refusal(405, 'method', 'POST only.');
  const raw = await readCapped(request, MAX_BODY_BYTES);
  if (raw === undefined) return refusal(413, 'too_large', 'Body too large.');

  const timestamp = request.headers.get('x-twenty-webhook-timestamp') ?? '';
  const signature = (request.headers.get('x-twenty-webhook-signature') ?? '').toLowerCase();
  const refused = (reason: RefusalReason, why: string) => refusal(401, reason, `Refused: ${why}.`);
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return refused('malformed', 'missing or malformed signature headers');
  const expected = Buffer.from(signWebhook(secret, timestamp, raw), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return refused('bad_signature', 'bad signature');
  if (Math.abs(Date.now() - Number(timestamp)) > WEBHOOK_TOLERANCE_MS) return refused('stale', 'stale timestamp');
  // Signed bodies differ per delivery (the twin's eventName differs): a signature seen twice is a replay.
  if (!(await hub.backend.claim(`webhook:signature:${signature}`, 2 * WEBHOOK_TOLERANCE_MS))) return refused('replayed', 'replayed delivery');

  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refusal(400, 'not_json', 'Body is not JSON.');
  }
  const news = readDelivery(body);
  // Metadata events, objects without feeds, unknown shapes: authentic, and of no use here (§11).
  if (!news) return accepted('ignored', { ok: true, ignored: true });
  const { object, action, workspaceId, record } = news;
  // A create or update comes twice (`…created`/`…updated` and `…upserted`), with the same record version.
  const change = action === 'created' || action === 'updated' || action === 'upserted' ? 'written' : action;
  const twin = `webhook:twin:${workspaceId}:${object}:${record.id}:${change}:${String(record.updatedAt ?? '')}:${String(record.deletedAt ?? '')}`;
  if (!(await hub.backend.claim(twin, 2 * WEBHOOK_TOLERANCE_MS))) return accepted('duplicate', { ok: true, duplicate: true });
  await hub.wake({ object, workspaceId, recordId: record.id.toLowerCase(), destroyed: action === 'destroyed' });
  return accepted('woke', { ok: true });
}

/** The body as text, or undefined past `max` bytes (reading stops there). */
async function readCapped(request: Request, max: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return undefined;
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface Delivery {
  object: ObjectPlural;
  action: string;
  workspaceId: string;
  record: { id: string } & Record<string, unknown>;
}

function readDelivery(body: unknown): Delivery | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { eventName, workspaceId, record } = body as Record<string, unknown>;
  if (typeof eventName !== 'string' || typeof workspaceId !== 'string') return undefined;
  const [singular, action] = eventName.split('.');
  const object = FED_OBJECTS.get(singular);
  if (!object || !ACTIONS.has(action)) return undefined;
  if (typeof record !== 'object' || record === null || typeof (record as { id?: unknown }).id !== 'string') return undefined;
  return { object, action, workspaceId, record: record as Delivery['record'] };
}
