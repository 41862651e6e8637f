/**
 * Reading past the first page in parallel instead of one cursor after another (§3).
 *
 * Twenty has no offset, only cursors, and a cursor is base64 of JSON with the record's order
 * values and id. In id order (§5: no `order_by`) a cursor `{"id": X}` means "after id X" for
 * any UUID X, not only for ids of records. Twenty's ids are random UUIDs, spread evenly, so the
 * first page's `totalCount` says roughly where in the id space the records still wanted end:
 * that span is cut into as many ranges as pages are needed, and every range is read at once,
 * each from its own synthetic cursor. A range holding more than a page goes on from its last
 * record; records past a range's end belong to the next range and are dropped. The result is
 * exactly what the cursor chain would read, in the same order, in about two round trips.
 */
import type { ListPage, ListParams, ObjectPlural, TwentyClient, TwentyRecord } from './types.js';

/** Ids are compared on their first 12 hex digits (48 bits), enough to place range ends. */
const SPACE = 2 ** 48;

const prefixOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

function idAt(position: number): string {
  const hex = Math.min(Math.floor(position), SPACE - 1).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** §3: a cursor in id order is base64 of `{"id": …}`. */
export const idCursor = (id: string): string => Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64');

/**
 * Records per range, against the page limit: ranges are cut from an estimate, and one that holds
 * more than a page costs one more call and round trip, so each is sized to be 80% full. (At 200
 * records a page, 160 expected stays more than three standard deviations under the limit.)
 */
const RANGE_FILL = 0.8;

/** Calls `readRestInParallel` makes with its first page to read `wanted` records (when they exist). */
export function parallelPageCalls(wanted: number, pageLimit: number): number {
  if (wanted <= 2 * pageLimit) return Math.max(1, Math.ceil(wanted / pageLimit));
  return 1 + Math.ceil((wanted - pageLimit) / Math.floor(pageLimit * RANGE_FILL));
}

/**
 * The records after `first` (the first page of `params`, read from the start in id order), up to
 * `wanted` more, read in parallel ranges. `params` must have no `order_by` and no cursor. With
 * one page or less to go it is one call; with more, one call per range, about one more than the
 * cursor chain would make, in two round trips instead of one per page.
 */
export async function readRestInParallel(
  client: TwentyClient,
  object: ObjectPlural,
  params: ListParams,
  first: ListPage,
  wanted = Infinity,
): Promise<TwentyRecord[]> {
  const last = first.records[first.records.length - 1];
  const after = first.totalCount - first.records.length;
  const need = Math.min(wanted, after);
  if (!last || !first.pageInfo.hasNextPage || need <= 0) return [];
  const pageLimit = await client.pageLimit();
  const read = (start: string, end: string | undefined, max: number) => readRange(client, object, params, pageLimit, start, end, max);
  const firstCursor = first.pageInfo.endCursor ?? idCursor(last.id);
  if (need <= pageLimit) return (await read(firstCursor, undefined, need)).records;

  const perRange = Math.floor(pageLimit * RANGE_FILL);
  const ranges = Math.ceil(need / perRange);
  const from = prefixOf(last.id);
  // The id space expected to hold `ranges × perRange` of the records after `last`.
  const span = (SPACE - from) * Math.min(1, (ranges * perRange) / after);
  const starts = [firstCursor];
  const ends: Array<string | undefined> = [];
  for (let i = 1; i < ranges; i++) {
    const boundary = idAt(from + (span * i) / ranges);
    starts.push(idCursor(boundary));
    ends.push(boundary);
  }
  ends.push(undefined);
  // The open last range reads one page when a number is wanted, or on to the end when all are.
  const lastMax = Number.isFinite(wanted) ? pageLimit : Infinity;
  const parts = await Promise.all(starts.map((start, i) => read(start, ends[i], i === ranges - 1 ? lastMax : Infinity)));
  const records = parts.flatMap((part) => part.records);
  const tail = parts[parts.length - 1];
  if (records.length < need && !tail.exhausted) {
    // The spread was thinner than expected: go on from the last record, one cursor at a time.
    const more = await read(idCursor(records[records.length - 1].id), undefined, need - records.length);
    records.push(...more.records);
  }
  return records.slice(0, need);
}

/** Records after `start` and before `end` (all after `start` when no end), at most `max`; `exhausted` when none are left. */
async function readRange(
  client: TwentyClient,
  object: ObjectPlural,
  params: ListParams,
  pageLimit: number,
  start: string,
  end: string | undefined,
  max: number,
): Promise<{ records: TwentyRecord[]; exhausted: boolean }> {
  const records: TwentyRecord[] = [];
  let cursor = start;
  for (;;) {
    const limit = Math.min(pageLimit, Number.isFinite(max) && end === undefined ? max - records.length : pageLimit);
    const page = await client.list(object, { ...params, limit, startingAfter: cursor, endingBefore: undefined });
    for (const record of page.records) {
      if (end !== undefined && record.id >= end) return { records, exhausted: true };
      records.push(record);
      if (records.length >= max) return { records, exhausted: false };
    }
    const next = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage || page.records.length === 0 || !next) return { records, exhausted: true };
    cursor = next;
  }
}
