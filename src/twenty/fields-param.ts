/**
 * `fields=` (§13) as a capability learned from answers, never required for correctness: newer
 * servers trim records to the fields named, older ones ignore the parameter. Field names are
 * Twenty's own; a many-to-one is named by its relation (`company`), which brings its foreign
 * key (`companyId`).
 */
import type { TwentyRecord } from './types.js';

/**
 * - `unknown`: not seen yet; sent.
 * - `honoured`: answers were trimmed as asked; sent.
 * - `ignored`: answers held fields not asked (an older server); no longer sent.
 * - `refused`: the server refused our names or left out one we rely on; no longer sent.
 */
export type FieldsSupport = 'unknown' | 'honoured' | 'ignored' | 'refused';

/** What one answer to a request with `fields` says; undefined when it has no records to judge by. */
export function fieldsVerdict(requested: readonly string[], records: readonly TwentyRecord[]): 'honoured' | 'ignored' | 'incomplete' | undefined {
  if (records.length === 0) return undefined;
  const allowed = new Set(['id', ...requested, ...requested.map((name) => `${name}Id`)]);
  if (records.some((record) => Object.keys(record).some((key) => !allowed.has(key)))) return 'ignored';
  // Twenty answers null fields as null, so a field asked for is always there as itself or its key.
  const missing = requested.some((name) => !records.every((record) => Object.hasOwn(record, name) || Object.hasOwn(record, `${name}Id`)));
  return missing ? 'incomplete' : 'honoured';
}
