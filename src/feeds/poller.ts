/**
 * How a feed learns what changed in Twenty, with the fewest calls REST allows (§3, §4):
 *
 * - The baseline reads every row once (soft-deleted ones too) and keeps the last version of each.
 * - A poll asks only for rows whose `updatedAt` or `deletedAt` is at or after the watermark (the
 *   newest of those Twenty has shown us), minus an overlap, ordered by `updatedAt` and paged with
 *   Twenty's keyset cursors (`id` is its tie-break, §5), so a row changed while we page moves
 *   past the cursor and is read again rather than skipped. A row is a change when its version
 *   differs from the copy kept, so the overlap and repeated pages never repeat an event.
 * - Hard deletes leave nothing to ask for: a periodic reconciliation counts all rows and the
 *   soft-deleted ones (two calls with `limit=0`, §3) and only when a count differs from the copies
 *   kept reads everything again; the kept rows that read did not return are then asked for by id,
 *   and only those Twenty no longer has are gone. A webhook naming a destroyed record checks those
 *   ids at once, the same way.
 */
import { andFilters, buildFilter, idInFilter, orderByString, type FilterFields, type FilterInput } from '../twenty/filter.js';
import { chunkKeys, listAll } from '../twenty/paging.js';
import type { ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { classify, destroyed, type ChangeDraft } from './events.js';

/**
 * How far before the watermark polls read again while it is recent. `updatedAt` is set when a
 * write starts and becomes visible when it commits, and Twenty may run on several servers: a write
 * that commits late, or was stamped by a clock behind by less than this, is still found. Once the
 * watermark has not moved for this long (our clock), polls read from the watermark itself, so a
 * burst of writes is not read again and again.
 */
export const POLL_OVERLAP_MS = 10_000;

/** What a feed knows of Twenty: the last version of every row, and the watermark. */
export interface FeedState {
  snapshots: Map<string, TwentyRecord>;
  /** The newest `updatedAt`/`deletedAt` read so far (Twenty's clock, ISO); null while the object is empty. */
  watermark: string | null;
  /** Until when (our clock, ms) polls also read the overlap before the watermark. */
  overlapUntil: number;
}

/** What one poll found: the changes in the order found, and the copies to keep afterwards. */
export interface PollResult {
  drafts: ChangeDraft[];
  /** id → the new copy, or null for a row that is gone. */
  changed: Map<string, TwentyRecord | null>;
  watermark: string | null;
  /** Ids the poll saw in Twenty (changed or checked): how a feed learns which workspace it reads. */
  seenIds: Set<string>;
}

export interface PollOptions {
  /** Count rows and read them all again if a destruction is suspected. */
  reconcile?: boolean;
  /** Ids said to be destroyed (by a webhook): checked now. */
  checkIds?: Iterable<string>;
}

const TIME_FIELDS: FilterFields = { id: 'id', updatedAt: 'datetime', deletedAt: 'datetime' };
/** Every row, soft-deleted ones too (§4: a filter naming deletedAt lifts the default exclusion). */
const EVERY_ROW: FilterInput = { or: [{ deletedAt: { isNull: true } }, { deletedAt: { isNull: false } }] };
const SOFT_DELETED: FilterInput = { deletedAt: { isNull: false } };
const BY_UPDATED_AT = orderByString([{ field: 'updatedAt', direction: 'AscNullsFirst' }]);

const filterOf = (input: FilterInput): string | undefined => buildFilter(input, TIME_FIELDS).filter;

/** Reads every row: the state a new feed starts from. */
export async function readBaseline(client: TwentyClient, object: ObjectPlural): Promise<FeedState> {
  const records = await listAll(client, object, { filter: filterOf(EVERY_ROW), orderBy: BY_UPDATED_AT });
  const snapshots = new Map<string, TwentyRecord>();
  let watermark: string | null = null;
  for (const record of records) {
    snapshots.set(record.id, record);
    watermark = later(watermark, record);
  }
  return { snapshots, watermark, overlapUntil: Date.now() + POLL_OVERLAP_MS };
}

/** Asks Twenty what changed since `state`; `state` itself is left as it is (see `applyPoll`). */
export async function pollChanges(client: TwentyClient, object: ObjectPlural, state: FeedState, options: PollOptions = {}): Promise<PollResult> {
  const result: PollResult = { drafts: [], changed: new Map(), watermark: state.watermark, seenIds: new Set() };
  const current = (id: string): TwentyRecord | undefined => {
    const changed = result.changed.get(id);
    return changed === null ? undefined : (changed ?? state.snapshots.get(id));
  };
  const take = (record: TwentyRecord) => {
    result.seenIds.add(record.id);
    result.watermark = later(result.watermark, record);
    const before = current(record.id);
    const draft = classify(before, record);
    if (draft) result.drafts.push(draft);
    if (draft || !before) result.changed.set(record.id, record);
  };
  const gone = (id: string) => {
    const before = current(id);
    if (!before) return;
    result.drafts.push(destroyed(before));
    result.changed.set(id, null);
  };
  /**
   * Asks Twenty by id for kept rows that may be destroyed: those it still has are taken like any row
   * read, the others are gone. Missing from a paged read is no proof: a write stamped when it
   * started and committed during the read (see POLL_OVERLAP_MS) moves its row behind the keyset
   * cursor (§3), so that read skips a row that is still there.
   */
  const confirmGone = async (ids: Iterable<string>) => {
    const kept = [...new Set(ids)].filter((id) => current(id) !== undefined);
    for (const chunk of chunkKeys(kept, await client.pageLimit())) {
      const { filter } = andFilters(idInFilter('id', chunk), filterOf(EVERY_ROW));
      const present = await listAll(client, object, { filter });
      const found = new Set(present.map((r) => r.id));
      for (const record of present) take(record);
      for (const id of chunk) {
        if (found.has(id)) continue;
        result.seenIds.add(id);
        gone(id);
      }
    }
  };

  // `gte`, never `gt`: Twenty keeps microseconds and shows milliseconds, so rows of the watermark's
  // millisecond may sort after it; they are read again and recognised by their version.
  const overlap = Date.now() < state.overlapUntil ? POLL_OVERLAP_MS : 0;
  const since = state.watermark === null ? undefined : new Date(Date.parse(state.watermark) - overlap).toISOString();
  const recent: FilterInput = since === undefined ? EVERY_ROW : { or: [{ updatedAt: { gte: since } }, { deletedAt: { gte: since } }] };
  for (const record of await listAll(client, object, { filter: filterOf(recent), orderBy: BY_UPDATED_AT })) take(record);

  await confirmGone(options.checkIds ?? []);

  if (options.reconcile) {
    const [all, deleted] = await Promise.all([
      client.list(object, { filter: filterOf(EVERY_ROW), limit: 0 }),
      client.list(object, { filter: filterOf(SOFT_DELETED), limit: 0 }),
    ]);
    const kept = keptCounts(state, result.changed);
    if (all.totalCount !== kept.all || deleted.totalCount !== kept.deleted) {
      const everything = await listAll(client, object, { filter: filterOf(EVERY_ROW), orderBy: BY_UPDATED_AT });
      const present = new Set<string>();
      for (const record of everything) {
        present.add(record.id);
        take(record);
      }
      await confirmGone([...state.snapshots.keys(), ...result.changed.keys()].filter((id) => !present.has(id)));
    }
  }
  return result;
}

/** The kept copies after a poll. */
export function applyPoll(state: FeedState, result: Pick<PollResult, 'changed' | 'watermark'>): void {
  for (const [id, record] of result.changed) {
    if (record === null) state.snapshots.delete(id);
    else state.snapshots.set(id, record);
  }
  if (result.watermark !== state.watermark) state.overlapUntil = Date.now() + POLL_OVERLAP_MS;
  state.watermark = result.watermark;
}

/** How many rows, and soft-deleted rows, the copies would hold after `changed`. */
function keptCounts(state: FeedState, changed: Map<string, TwentyRecord | null>): { all: number; deleted: number } {
  let all = 0;
  let deleted = 0;
  const count = (record: TwentyRecord | undefined | null) => {
    if (!record) return;
    all += 1;
    if (record.deletedAt) deleted += 1;
  };
  for (const [id, record] of state.snapshots) if (!changed.has(id)) count(record);
  for (const record of changed.values()) count(record);
  return { all, deleted };
}

/** The later of a watermark and a record's timestamps. */
function later(watermark: string | null, record: TwentyRecord): string | null {
  let best = watermark;
  for (const value of [record.updatedAt, record.deletedAt]) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) continue;
    if (best === null || Date.parse(value) > Date.parse(best)) best = value;
  }
  return best;
}
