import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical, classify, type ChangeDraft } from '../../src/feeds/events.js';
import { applyPoll, pollChanges, readBaseline } from '../../src/feeds/poller.js';
import { createTwentyTransport, type TwentyTransport } from '../../src/twenty/client.js';
import type { TwentyClient, TwentyRecord } from '../../src/twenty/types.js';
import { fetchAll, rest, startTestEmulator, type Emulator } from '../emulator/helpers.js';

// The poller against the emulator, driven by random writes made through REST: applying the
// changes it reports to a copy of the baseline must give exactly what Twenty holds, each change
// must start from the version the copy had (nothing skipped), and none may repeat.
let em: Emulator;
let transport: TwentyTransport;
let client: TwentyClient;
beforeAll(async () => {
  em = await startTestEmulator({ companies: 4 });
  // The emulator here has no rate limit: neither has the BFF's budget (its 100 a minute would make this slow).
  transport = createTwentyTransport({ baseUrl: em.url, buckets: [] });
  client = transport.clientFor(em.keys.acme);
});
afterAll(async () => {
  await transport.close();
  await em.close();
});

type Op =
  | { type: 'create' }
  | { type: 'update' | 'softDelete' | 'restore' | 'destroy'; pick: number }
  | { type: 'twice'; pick: number }
  | { type: 'poll'; reconcile: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ type: 'create' }),
  fc.record({ type: fc.constantFrom('update', 'softDelete', 'restore', 'destroy', 'twice'), pick: fc.nat() }) as fc.Arbitrary<Op>,
  fc.record({ type: fc.constant('poll'), reconcile: fc.boolean() }) as fc.Arbitrary<Op>,
);

let checked = 0;

/** Applies reported changes to the copy, checking each starts from the copy's version. */
function apply(mirror: Map<string, TwentyRecord>, drafts: ChangeDraft[]): void {
  for (const draft of drafts) {
    const held = mirror.get(draft.id);
    if (draft.kind === 'CREATED') expect(held, `CREATED ${draft.id} twice`).toBeUndefined();
    // A record created and soft-deleted between two polls made no event; its restore is its first.
    else if (draft.kind === 'RESTORED' && held === undefined) expect(draft.before!.deletedAt).toBeTruthy();
    else expect(canonical(draft.before), `${draft.kind} ${draft.id} skipped a version`).toBe(canonical(held));
    if (draft.kind === 'DELETED') expect([Boolean(draft.before!.deletedAt), Boolean(draft.after!.deletedAt)]).toEqual([false, true]);
    if (draft.kind === 'RESTORED') expect([Boolean(draft.before!.deletedAt), Boolean(draft.after!.deletedAt)]).toEqual([true, false]);
    if (draft.kind === 'UPDATED') expect(Boolean(draft.before!.deletedAt)).toBe(Boolean(draft.after!.deletedAt));
    if (draft.kind === 'DESTROYED') mirror.delete(draft.id);
    else mirror.set(draft.id, draft.after!);
    checked += 1;
  }
}

describe('the poller', () => {
  it('reports every change of random REST writes exactly once, in order per record', async () => {
    let title = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const state = await readBaseline(client, 'tasks');
        const mirror = new Map(state.snapshots);
        const ids = [...mirror.keys()];
        const poll = async (reconcile: boolean) => {
          const result = await pollChanges(client, 'tasks', state, { reconcile });
          apply(mirror, result.drafts);
          applyPoll(state, result);
        };
        for (const step of ops) {
          const id = 'pick' in step ? ids[step.pick % Math.max(ids.length, 1)] : undefined;
          if (step.type === 'create') ids.push((await rest(em, '/rest/tasks', { method: 'POST', body: { title: `t${title++}` } })).body.data.createTask.id);
          else if (step.type === 'poll') await poll(step.reconcile);
          else if (id === undefined) continue;
          else if (step.type === 'update') await rest(em, `/rest/tasks/${id}`, { method: 'PATCH', body: { title: `t${title++}` } });
          // Two writes within one millisecond: Twenty shows both with the same updatedAt.
          else if (step.type === 'twice') await Promise.all([1, 2].map(() => rest(em, `/rest/tasks/${id}`, { method: 'PATCH', body: { title: `t${title++}` } })));
          else if (step.type === 'softDelete') await rest(em, `/rest/tasks/${id}?soft_delete=true`, { method: 'DELETE' });
          else if (step.type === 'restore') await rest(em, `/rest/tasks/${id}/restore`, { method: 'PATCH' });
          else await rest(em, `/rest/tasks/${id}`, { method: 'DELETE' });
        }
        await poll(true);
        const rows = await fetchAll(em, 'tasks', { filter: 'or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)' });
        // A record created and soft-deleted between two polls was never seen alive: it makes no event.
        const truth = rows.filter((record) => !record.deletedAt || mirror.has(record.id));
        expect(new Map([...mirror].map(([id, record]) => [id, canonical(record)]))).toEqual(new Map(truth.map((record) => [record.id, canonical(record)])));
        // A poll right after finds nothing more.
        expect((await pollChanges(client, 'tasks', state, { reconcile: true })).drafts).toEqual([]);
      }),
      { numRuns: Number(process.env.RUNS ?? 12) },
    );
    expect(checked).toBeGreaterThan(50);
  });

  it('tells the kinds of change apart and names the fields that changed', () => {
    const before = { id: 'a', name: 'x', amount: { amountMicros: 1, currencyCode: 'EUR' }, updatedAt: '1', deletedAt: null };
    expect(classify(undefined, before)?.kind).toBe('CREATED');
    expect(classify(undefined, { ...before, deletedAt: '2' })).toBeNull();
    expect(classify(before, { ...before })).toBeNull();
    expect(classify(before, { ...before, amount: { currencyCode: 'EUR', amountMicros: 1 } })).toBeNull();
    const updated = classify(before, { ...before, amount: { amountMicros: 2, currencyCode: 'EUR' }, updatedAt: '2' });
    expect(updated).toMatchObject({ kind: 'UPDATED', changedFields: ['amount'] });
    expect(classify(before, { ...before, deletedAt: '3', updatedAt: '3' })).toMatchObject({ kind: 'DELETED', at: '3' });
    expect(classify({ ...before, deletedAt: '3' }, { ...before, updatedAt: '4' })).toMatchObject({ kind: 'RESTORED', at: '4' });
  });
});
