import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { canonical, classify, type ChangeDraft } from '../../src/feeds/events.js';
import { applyPoll, pollChanges, readBaseline } from '../../src/feeds/poller.js';
import { createTwentyTransport } from '../../src/twenty/client.js';
import type { ListParams, ObjectPlural, TwentyClient, TwentyRecord } from '../../src/twenty/types.js';
import { fetchAll, rest, startTestEmulator, type Emulator } from '../emulator/helpers.js';

// The poller against the emulator, driven by random writes made through REST: applying the
// changes it reports to a copy of the baseline must give exactly what Twenty holds, each change
// must start from the version the copy had (nothing skipped), and none may repeat.

/** Pages of three, so polls, reconciliations and baselines cross page boundaries (§3). */
const PAGE_LIMIT = 3;
/** The property's own limit, shrinking included: a failure is reported with the smallest case found by then. */
const PROPERTY_BUDGET_MS = 60_000;

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

/** How often each check ran: a property that checks nothing fails. */
const checked = { drafts: 0, firstFromTrash: 0 };

/**
 * Applies reported changes to the copy, checking each starts from the copy's version. A record
 * first seen already soft-deleted made no event (no subscriber saw it alive): its first event
 * (RESTORED, or DESTROYED when it is hard-deleted from the trash) starts from the soft-deleted
 * version the feed kept (`kept`: the feed's copies before the poll).
 */
function apply(mirror: Map<string, TwentyRecord>, kept: Map<string, TwentyRecord>, drafts: ChangeDraft[]): void {
  for (const draft of drafts) {
    const held = mirror.get(draft.id);
    if (draft.kind === 'CREATED') expect(held, `CREATED ${draft.id} twice`).toBeUndefined();
    else if (held === undefined) {
      const trashed = kept.get(draft.id);
      expect(trashed?.deletedAt, `${draft.kind} ${draft.id}: no event before, yet the feed kept no soft-deleted copy`).toBeTruthy();
      expect(canonical(draft.before), `${draft.kind} ${draft.id} skipped a version`).toBe(canonical(trashed));
      checked.firstFromTrash += 1;
    } else expect(canonical(draft.before), `${draft.kind} ${draft.id} skipped a version`).toBe(canonical(held));
    if (draft.kind === 'DELETED') expect([Boolean(draft.before!.deletedAt), Boolean(draft.after!.deletedAt)]).toEqual([false, true]);
    if (draft.kind === 'RESTORED') expect([Boolean(draft.before!.deletedAt), Boolean(draft.after!.deletedAt)]).toEqual([true, false]);
    if (draft.kind === 'UPDATED') expect(Boolean(draft.before!.deletedAt)).toBe(Boolean(draft.after!.deletedAt));
    if (draft.kind === 'DESTROYED') {
      mirror.delete(draft.id);
      kept.delete(draft.id);
    } else {
      mirror.set(draft.id, draft.after!);
      kept.set(draft.id, draft.after!);
    }
    checked.drafts += 1;
  }
}

/**
 * A fresh small emulator for one sequence: a sequence then means the same writes on the same rows
 * whenever it runs, so fast-check replays (`seed`, `path`) and shrinks it. (With one emulator for
 * all runs, rows left by earlier runs change which record each `pick` names.)
 */
async function withEmulator<T>(companies: number, body: (em: Emulator, client: TwentyClient) => Promise<T>): Promise<T> {
  const em = await startTestEmulator({ companies, pageLimit: PAGE_LIMIT });
  // The emulator here has no rate limit: neither has the BFF's budget (its 100 a minute would make this slow).
  const transport = createTwentyTransport({ baseUrl: em.url, buckets: [] });
  try {
    return await body(em, transport.clientFor(em.keys.acme));
  } finally {
    await transport.close();
    await em.close();
  }
}

/** Runs `ops` through REST, polling where they say, and checks what the poller reported. */
function runOps(ops: readonly Op[]): Promise<void> {
  return withEmulator(4, async (em, client) => {
    let title = 0;
    const state = await readBaseline(client, 'tasks');
    const mirror = new Map(state.snapshots);
    const ids = [...mirror.keys()];
    const poll = async (reconcile: boolean) => {
      const kept = new Map(state.snapshots);
      const result = await pollChanges(client, 'tasks', state, { reconcile });
      apply(mirror, kept, result.drafts);
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
  });
}

/** `client` whose list calls run `before` first, once, when `when` says so: a write timed between two pages. */
function beforeList(client: TwentyClient, when: (params: ListParams) => boolean, before: () => Promise<void>): TwentyClient & { fired: boolean } {
  const hooked = Object.create(client) as TwentyClient & { fired: boolean };
  hooked.fired = false;
  hooked.list = async (object: ObjectPlural, params: ListParams = {}) => {
    if (!hooked.fired && when(params)) {
      hooked.fired = true;
      await before();
    }
    return client.list(object, params);
  };
  return hooked;
}

describe('the poller', () => {
  it('reports every change of random REST writes exactly once, in order per record', async () => {
    const before = { ...checked };
    // To replay a failure, add the `seed` and `path` it prints to these options.
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), runOps), {
      numRuns: Number(process.env.RUNS ?? 12),
      interruptAfterTimeLimit: PROPERTY_BUDGET_MS,
      markInterruptAsFailure: true,
    });
    expect(checked.drafts - before.drafts).toBeGreaterThan(50);
  }, PROPERTY_BUDGET_MS + 30_000);

  it('reports the hard delete of a record it only ever saw soft-deleted, from that soft-deleted copy', async () => {
    // The sequence fast-check found (seed 1683460707): task 6 is created and soft-deleted between two
    // polls (no event: no subscriber saw it alive), then hard-deleted; the final reconciliation
    // reports DESTROYED from the soft-deleted copy the feed kept.
    const found: Op[] = [
      { type: 'create' }, { type: 'poll', reconcile: false }, { type: 'poll', reconcile: true }, { type: 'create' }, { type: 'create' },
      { type: 'softDelete', pick: 1802613511 }, { type: 'poll', reconcile: true }, { type: 'create' }, { type: 'twice', pick: 1828906542 },
      { type: 'poll', reconcile: false }, { type: 'create' }, { type: 'create' }, { type: 'poll', reconcile: true },
      { type: 'destroy', pick: 982833686 }, { type: 'softDelete', pick: 1812526255 }, { type: 'poll', reconcile: false }, { type: 'create' },
      { type: 'poll', reconcile: false }, { type: 'poll', reconcile: false },
    ];
    // The same in four steps, and with a restore first (RESTORED is then its first event).
    const shortest: Op[] = [{ type: 'create' }, { type: 'softDelete', pick: 4 }, { type: 'poll', reconcile: false }, { type: 'destroy', pick: 4 }];
    const restored: Op[] = [{ type: 'create' }, { type: 'softDelete', pick: 4 }, { type: 'poll', reconcile: true }, { type: 'restore', pick: 4 }, { type: 'poll', reconcile: false }, { type: 'destroy', pick: 4 }];
    const before = checked.firstFromTrash;
    for (const ops of [found, shortest, restored]) await runOps(ops);
    expect(checked.firstFromTrash - before).toBe(3);
  });

  it('does not take a row written during a reconciliation’s full read for destroyed', async () => {
    await withEmulator(0, async (em, client) => {
      const made: TwentyRecord[] = [];
      for (const title of ['a', 'b', 'c', 'd', 'late', 'gone']) {
        made.push((await rest(em, '/rest/tasks', { method: 'POST', body: { title } })).body.data.createTask);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const [first, , , , late, gone] = made;
      const state = await readBaseline(client, 'tasks');
      await rest(em, `/rest/tasks/${gone.id}`, { method: 'DELETE' });
      // A count differs, so the poll reads every row, ordered by updatedAt, three a page. Between its
      // first two pages `late` is written with a stamp older than that first page (Twenty stamps a
      // write when its transaction starts and shows it when it commits; the emulator commits at
      // once, so its clock is set back for that write): the row moves behind the cursor and the
      // rest of the read does not return it, though it is there.
      const fullReadPage2 = (params: ListParams) => params.startingAfter !== undefined && !params.filter?.includes('updatedAt') && params.orderBy?.includes('updatedAt') === true;
      const hooked = beforeList(client, fullReadPage2, async () => {
        vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(String(first.updatedAt)) });
        try {
          await rest(em, `/rest/tasks/${late.id}`, { method: 'PATCH', body: { title: 'written late' } });
        } finally {
          vi.useRealTimers();
        }
      });
      const result = await pollChanges(hooked, 'tasks', state, { reconcile: true });
      expect(hooked.fired).toBe(true);
      expect(result.drafts.map((d) => [d.kind, d.id])).toEqual([['UPDATED', late.id], ['DESTROYED', gone.id]]);
      expect(result.drafts[0]).toMatchObject({ changedFields: ['title'], after: { title: 'written late' } });
      applyPoll(state, result);
      expect((await pollChanges(client, 'tasks', state, { reconcile: true })).drafts).toEqual([]);
    });
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
