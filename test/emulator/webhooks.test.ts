import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedRequest } from '../support/scripted-server.js';
import { rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

// §11: webhooks registered as records, delivered as signed POSTs, with an `upserted` twin of
// every create and update.
let em: Emulator;
let receiver: Awaited<ReturnType<typeof startScriptedServer>>;
const SECRET = 'emulator-webhook-secret';

beforeAll(async () => {
  em = await startTestEmulator({ companies: 5 });
  receiver = await startScriptedServer(() => ({ status: 200, body: { ok: true } }));
});
afterAll(async () => {
  await em.close();
  await receiver.close();
});

/** Waits until the receiver has `count` deliveries, and returns them as parsed bodies. */
async function deliveries(count: number): Promise<Array<{ request: ScriptedRequest; body: Rec }>> {
  for (let i = 0; i < 200 && receiver.requests.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return receiver.requests.map((request) => ({ request, body: JSON.parse(request.body) as Rec }));
}

describe('emulator webhooks', () => {
  it('registers a webhook as Twenty does, and generates a secret when none is given', async () => {
    const created = await rest(em, '/rest/webhooks', {
      method: 'POST',
      body: { targetUrl: `${receiver.url}/hook`, operations: ['opportunity.*'], description: 'tests', secret: SECRET },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ targetUrl: `${receiver.url}/hook`, operations: ['opportunity.*'], secret: SECRET, workspaceId: em.workspaceIds.acme });
    const generated = await rest(em, '/rest/metadata/webhooks', { method: 'POST', body: { targetUrl: `${receiver.url}/other`, operations: ['note.created'] } });
    expect(generated.body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await rest(em, `/rest/webhooks/${generated.body.id}`, { method: 'DELETE' })).body).toBe(true);
    expect((await rest(em, '/rest/webhooks')).body).toHaveLength(1);
    expect((await rest(em, '/rest/webhooks', { key: em.keys.globex })).body).toEqual([]);
    expect((await rest(em, '/rest/webhooks', { method: 'POST', body: { targetUrl: 'ftp://x' , operations: ['*.*'] } })).status).toBe(400);
    expect((await rest(em, '/rest/webhooks', { method: 'POST', body: { targetUrl: receiver.url } })).status).toBe(400);
  });

  it('sends every write of a matching object, signed, with the upserted twin of creates and updates', async () => {
    receiver.requests.length = 0;
    const id = (await rest(em, '/rest/opportunities', { method: 'POST', body: { name: 'Hooked' } })).body.data.createOpportunity.id as string;
    await rest(em, `/rest/opportunities/${id}`, { method: 'PATCH', body: { name: 'Hooked 2', stage: 'MEETING' } });
    await rest(em, `/rest/opportunities/${id}?soft_delete=true`, { method: 'DELETE' });
    await rest(em, `/rest/opportunities/${id}/restore`, { method: 'PATCH' });
    await rest(em, `/rest/opportunities/${id}`, { method: 'DELETE' });
    await rest(em, '/rest/companies', { method: 'POST', body: { name: 'Not subscribed' } });
    const got = await deliveries(7);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests).toHaveLength(7);
    const names = got.map((d) => d.body.eventName).sort();
    expect(names).toEqual(
      ['opportunity.created', 'opportunity.upserted', 'opportunity.updated', 'opportunity.upserted', 'opportunity.deleted', 'opportunity.restored', 'opportunity.destroyed'].sort(),
    );
    for (const { request, body } of got) {
      const timestamp = request.headers['x-twenty-webhook-timestamp'] as string;
      expect(request.headers['x-twenty-webhook-signature']).toBe(createHmac('sha256', SECRET).update(`${timestamp}:${request.body}`).digest('hex'));
      expect(request.headers['x-twenty-webhook-nonce']).toMatch(/^[0-9a-f]{32}$/);
      expect(body).toMatchObject({ targetUrl: `${receiver.url}/hook`, objectMetadata: { nameSingular: 'opportunity' }, workspaceId: em.workspaceIds.acme });
      expect(body.record.id).toBe(id);
    }
    const updated = got.filter((d) => d.body.eventName === 'opportunity.updated' || (d.body.eventName === 'opportunity.upserted' && d.body.record.name === 'Hooked 2'));
    for (const d of updated) expect(d.body.updatedFields.sort()).toEqual(['name', 'stage']);
    expect(got.find((d) => d.body.eventName === 'opportunity.created')!.body).not.toHaveProperty('updatedFields');
    expect(got.find((d) => d.body.eventName === 'opportunity.deleted')!.body.record.deletedAt).toEqual(expect.any(String));
  });

  it('drops a delivery its target refuses, without retrying (at most once)', async () => {
    const failing = await startScriptedServer(() => ({ status: 500, body: 'down' }));
    try {
      const hook = await rest(em, '/rest/webhooks', { method: 'POST', body: { targetUrl: failing.url, operations: ['task.created'] } });
      const created = await rest(em, '/rest/tasks', { method: 'POST', body: { title: 'Nobody listens' } });
      expect(created.status).toBe(201);
      for (let i = 0; i < 100 && failing.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      expect(failing.requests.map((r) => JSON.parse(r.body).eventName)).toEqual(['task.created']);
      await rest(em, `/rest/webhooks/${hook.body.id}`, { method: 'DELETE' });
    } finally {
      await failing.close();
    }
  });
});
