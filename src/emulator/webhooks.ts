/**
 * Twenty's webhooks (twenty-rest.md §11): registered as records at `/rest/webhooks` (newest
 * servers: `/rest/metadata/webhooks`), delivered as signed JSON POSTs after each write, with the
 * `upserted` twin of every create and update. Delivery is at most once, as Twenty's: a failure or
 * a timeout is swallowed, never retried. Registrations live in memory (a restart forgets them).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { badRequest, notFound } from './http-error.js';
import { stableUuid, type ObjectDef } from './objects.js';

export type RecordAction = 'created' | 'updated' | 'deleted' | 'restored' | 'destroyed';

/** One write, as the REST handler reports it. */
export interface RecordEvent {
  ws: string;
  def: ObjectDef;
  action: RecordAction;
  /** The record after the write (before it, for `destroyed`). */
  record: Record<string, unknown>;
  /** On updates: the fields whose values changed. */
  updatedFields?: string[];
}

interface Webhook {
  id: string;
  targetUrl: string;
  operations: string[];
  description: string | null;
  secret: string;
  workspaceId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: null;
}

/** Twenty gives up on a delivery after this long (its CallWebhookJob). */
const DELIVERY_TIMEOUT_MS = 5_000;

export const workspaceIdOf = (ws: string): string => stableUuid(`workspace.${ws}`);

export class Webhooks {
  private readonly hooks = new Map<string, Webhook[]>();
  /** Deliveries still in flight, so `close()` can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();

  /** `GET|POST /rest/webhooks`, `GET|PATCH|DELETE /rest/webhooks/{id}`: the bare entity, as Twenty's controller answers. */
  handle(ws: string, method: string, id: string | undefined, body: unknown): { status: number; body: unknown } {
    const list = this.hooks.get(ws) ?? [];
    const find = () => list.find((hook) => hook.id === id?.toLowerCase()) ?? null;
    if (id === undefined && method === 'GET') return { status: 200, body: list };
    if (id === undefined && method === 'POST') {
      const input = readInput(body, true);
      const now = new Date().toISOString();
      const hook: Webhook = {
        id: randomUUID(),
        targetUrl: input.targetUrl!,
        operations: input.operations!,
        description: input.description ?? null,
        // §11: without a secret the server makes one and returns it.
        secret: input.secret ?? randomBytes(32).toString('hex'),
        workspaceId: workspaceIdOf(ws),
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      this.hooks.set(ws, [...list, hook]);
      return { status: 201, body: hook };
    }
    if (id !== undefined && method === 'GET') return { status: 200, body: find() };
    if (id !== undefined && method === 'PATCH') {
      const hook = find();
      if (!hook) throw notFound();
      Object.assign(hook, readInput(body, false), { updatedAt: new Date().toISOString() });
      return { status: 200, body: hook };
    }
    if (id !== undefined && method === 'DELETE') {
      const kept = list.filter((hook) => hook.id !== id.toLowerCase());
      this.hooks.set(ws, kept);
      return { status: 200, body: kept.length < list.length };
    }
    throw badRequest(`Cannot ${method} webhooks here`);
  }

  wants(ws: string): boolean {
    return (this.hooks.get(ws)?.length ?? 0) > 0;
  }

  /** Sends a write's events to every matching webhook of its workspace, after the response (Twenty queues them). */
  emit(event: RecordEvent): void {
    const hooks = this.hooks.get(event.ws);
    if (!hooks || hooks.length === 0) return;
    const actions: string[] = [event.action];
    // §11: `upserted` is sent as well for every create and update.
    if (event.action === 'created' || event.action === 'updated') actions.push('upserted');
    const singular = event.def.singular;
    for (const action of actions) {
      for (const hook of hooks) {
        const ops = hook.operations;
        if (!ops.includes(`${singular}.${action}`) && !ops.includes(`*.${action}`) && !ops.includes(`${singular}.*`) && !ops.includes('*.*')) continue;
        const payload = {
          targetUrl: hook.targetUrl,
          eventName: `${singular}.${action}`,
          objectMetadata: { id: event.def.id, nameSingular: singular },
          workspaceId: hook.workspaceId,
          webhookId: hook.id,
          eventDate: new Date().toISOString(),
          record: event.record,
          ...(event.updatedFields && action !== 'created' ? { updatedFields: event.updatedFields } : {}),
        };
        const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(hook, payload));
        this.inFlight.add(delivery);
        void delivery.finally(() => this.inFlight.delete(delivery));
      }
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/** One POST, signed as Twenty's CallWebhookJob signs it; any failure is dropped (at most once, §11). */
async function deliver(hook: Webhook, payload: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = Date.now().toString();
  try {
    const response = await fetch(hook.targetUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Twenty-Webhook-Timestamp': timestamp,
        'X-Twenty-Webhook-Signature': createHmac('sha256', hook.secret).update(`${timestamp}:${body}`).digest('hex'),
        'X-Twenty-Webhook-Nonce': randomBytes(16).toString('hex'),
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
  } catch {
    // Dropped, as Twenty drops it.
  }
}

function readInput(body: unknown, creating: boolean): Partial<Pick<Webhook, 'targetUrl' | 'operations' | 'description' | 'secret'>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Body must be a JSON object');
  const { targetUrl, operations, description, secret } = body as Record<string, unknown>;
  const input: Partial<Pick<Webhook, 'targetUrl' | 'operations' | 'description' | 'secret'>> = {};
  if (targetUrl !== undefined || creating) {
    let url: URL;
    try {
      url = new URL(String(targetUrl));
    } catch {
      throw badRequest(`Invalid URL: missing scheme. URLs must include http:// or https://. Received: ${String(targetUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest(`Invalid URL scheme. Only HTTP and HTTPS are allowed. Received: ${url.protocol}`);
    input.targetUrl = String(targetUrl);
  }
  if (operations !== undefined || creating) {
    if (!Array.isArray(operations) || operations.length === 0 || !operations.every((op) => typeof op === 'string' && /^[A-Za-z*]+\.[A-Za-z*]+$/.test(op))) {
      throw badRequest("'operations' must be a non-empty list such as [\"opportunity.*\", \"company.created\"]");
    }
    input.operations = operations as string[];
  }
  if (description !== undefined) input.description = description === null ? null : String(description);
  if (secret !== undefined && secret !== null) input.secret = String(secret);
  return input;
}
