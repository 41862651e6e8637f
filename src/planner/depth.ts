/**
 * Answers read at `depth=1` (§6), made safe to serve from: nested to-one records are kept, and
 * one-to-many arrays are kept only where they are provably whole, sorted by id.
 *
 * Twenty fills a one-to-many relation at depth 1 with one query for all the parents of the call,
 * `take(60 × parents)`, in no set order (twenty-server ProcessNestedRelationsV2Helper); the
 * emulator caps each array at 60. So an array is whole when the relation's arrays of the call
 * hold fewer than 60 × parents records in total and this one fewer than 60; otherwise the arrays
 * that may be cut are dropped and their parents fall back to a batched read. Records found
 * nested are handed to `onRecords` (the request's by-id cache), so a later lookup finds them.
 */
import { objectModel } from '../model/index.js';
import type { ListPage, ListParams, ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { DEPTH_ARRAY_CAP } from './decide.js';

export type RecordsSeen = (object: ObjectPlural, records: readonly TwentyRecord[]) => void;

/** A client whose depth-1 answers are settled as described above; other calls pass through. */
export function settlingDepth(client: TwentyClient, onRecords: RecordsSeen): TwentyClient {
  return Object.assign(Object.create(client) as TwentyClient, {
    async list(object: ObjectPlural, params?: ListParams): Promise<ListPage> {
      const page = await client.list(object, params);
      if (params?.depth === 1) settleDepth(object, page.records, onRecords);
      return page;
    },
    async get(object: ObjectPlural, id: string, options?: { depth?: 0 | 1 }): Promise<TwentyRecord | null> {
      const record = await client.get(object, id, options);
      if (record && options?.depth === 1) settleDepth(object, [record], onRecords);
      return record;
    },
  });
}

/** Settles the records of one depth-1 answer in place. */
export function settleDepth(object: ObjectPlural, records: TwentyRecord[], onRecords: RecordsSeen): void {
  if (records.length === 0) return;
  for (const relation of objectModel(object).relations) {
    if (relation.kind === 'toOne') {
      const nested: TwentyRecord[] = [];
      for (const record of records) {
        const value = record[relation.restName] ?? (relation.legacy ? record[relation.legacy.restName] : undefined);
        if (isRecord(value)) nested.push(value);
      }
      if (nested.length > 0) onRecords(relation.target, nested);
      continue;
    }
    if (relation.kind !== 'oneToMany') continue;
    const arrays = records.map((record) => record[relation.restName]).filter(Array.isArray) as unknown[][];
    if (arrays.length === 0) continue;
    const total = arrays.reduce((sum, array) => sum + array.length, 0);
    const callCut = total >= DEPTH_ARRAY_CAP * records.length;
    for (const record of records) {
      const array = record[relation.restName];
      if (!Array.isArray(array)) continue;
      if (callCut || array.length >= DEPTH_ARRAY_CAP || !array.every(isRecord)) {
        delete record[relation.restName];
        continue;
      }
      const children = (array as TwentyRecord[]).sort(byId);
      onRecords(relation.target, children);
    }
  }
}

/**
 * A relation's records served from the parent's depth-1 answer: the nested to-one (a record or
 * null), or a whole one-to-many array; undefined when the parent was not read that way.
 */
export function fromParent(parent: TwentyRecord, restName: string, legacyRestName?: string): TwentyRecord | TwentyRecord[] | null | undefined {
  if (Object.hasOwn(parent, restName)) return parent[restName] as TwentyRecord | TwentyRecord[] | null;
  if (legacyRestName && Object.hasOwn(parent, legacyRestName)) return parent[legacyRestName] as TwentyRecord | null;
  return undefined;
}

const isRecord = (value: unknown): value is TwentyRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string';

// §5: lowercase UUIDs sort as strings exactly as Postgres sorts the uuid type (byte order).
const byId = (a: TwentyRecord, b: TwentyRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
