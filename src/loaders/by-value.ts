import { buildFilter, type BuiltFilter, type FilterFields } from '../twenty/filter.js';
import { chunkKeys, DEFAULT_KEY_CHARS, RELATION_SCAN_LIMIT } from '../twenty/paging.js';
import type { ObjectPlural, TwentyClient, TwentyRecord } from '../twenty/types.js';
import { fetchChunks, NO_QUERY, type FetchedChunk, type KeyChunk } from './batch.js';

/**
 * A sub-field whose value identifies one record besides its id: a person's primary email, a
 * company's primary domain (federation's alternative keys). `normalise` says which values Twenty
 * treats as the same (src/twenty/normalise.ts); it is also the loader's cache key.
 */
export interface ValueKey {
  /** Twenty's composite field and sub-field, e.g. `emails` and `primaryEmail` (§4: `emails.primaryEmail`). */
  field: string;
  subField: string;
  normalise(value: string): string;
}

/**
 * The records whose `key` is one of `values`, one `field.subField[in]:[…]` call per chunk of at
 * most the page limit values (and a URL that stays short). Each value is asked as written and in
 * its normal form, since older servers store what they were given and newer ones the normal form.
 *
 * Every filter string comes from `buildFilter`, never from the value itself (§4). A value it can
 * write exactly shares its chunk's call; one it can only bracket with a wider pattern (parentheses,
 * both quote characters, …) gets a call of its own, so its extra candidates, or a refusal when
 * there are too many, stay with that value. A value should name one record, but nothing makes a
 * domain unique: a batch whose values match more than RELATION_SCAN_LIMIT records is refused
 * rather than read to the end.
 */
export async function fetchByValues(
  client: TwentyClient,
  object: ObjectPlural,
  key: ValueKey,
  values: readonly string[],
): Promise<FetchedChunk[]> {
  const fields: FilterFields = { [key.field]: { [key.subField]: 'string' } };
  const asked = (chunk: readonly string[]) => chunk.flatMap((value) => [...new Set([value, key.normalise(value)])]);
  const filterOf = (chunk: readonly string[]): BuiltFilter =>
    buildFilter({ [key.field]: { [key.subField]: { in: asked(chunk) } } }, fields);

  const exact: string[] = [];
  const alone: KeyChunk[] = [];
  for (const value of new Set(values)) {
    // An empty value would match every record without one (Twenty stores empty sub-fields as ''): it identifies none.
    if (key.normalise(value) === '') continue;
    const filter = filterOf([value]);
    if (filter.residual) alone.push({ keys: [value], filter });
    else exact.push(value);
  }
  const limit = await client.pageLimit();
  // Quoted items cost two encoded quotes and a comma besides their own characters.
  const size = (value: string) => asked([value]).reduce((sum, item) => sum + encodeURIComponent(item).length + 9, 0);
  const chunks = chunkKeys(exact, limit, DEFAULT_KEY_CHARS, size).map((chunk) => ({ keys: chunk, filter: filterOf(chunk) }));
  return fetchChunks(client, object, [...chunks, ...alone], NO_QUERY, RELATION_SCAN_LIMIT);
}

/**
 * DataLoader's contract for a value key: each value gets the first record (in Twenty's order, id
 * ascending) whose value has the same normal form, null when none does, or its chunk's error.
 */
export function byValueResults(
  values: readonly string[],
  chunks: readonly FetchedChunk[],
  key: ValueKey,
): Array<TwentyRecord | null | Error> {
  const failed = new Map<string, Error>();
  const found = new Map<string, TwentyRecord>();
  for (const { keys, result } of chunks) {
    if (result instanceof Error) {
      for (const value of keys) failed.set(value, result);
      continue;
    }
    for (const record of result) {
      const stored = valueOf(record, key);
      if (stored !== undefined && !found.has(key.normalise(stored))) found.set(key.normalise(stored), record);
    }
  }
  return values.map((value) => failed.get(value) ?? found.get(key.normalise(value)) ?? null);
}

function valueOf(record: TwentyRecord, key: ValueKey): string | undefined {
  const composite = record[key.field];
  const value = typeof composite === 'object' && composite !== null ? (composite as Record<string, unknown>)[key.subField] : undefined;
  return typeof value === 'string' ? value : undefined;
}
