/**
 * Normalising Twenty's response bodies (§2). Real servers send lists as arrays under
 * `data.<plural>`; the published OpenAPI document (and some proxies) use `edges[{node, cursor}]`;
 * older servers omit `hasPreviousPage`; mutations answer in envelopes named `createCompany`
 * and so on, and groupBy answers with a bare array. Each reader accepts all of these and
 * throws UpstreamError for anything else, so callers only ever see the types in types.ts.
 */
import { UpstreamError } from '../errors.js';
import { envelopeKey, SINGULAR } from './names.js';
import type { FieldMetadata, GroupByRow, ListPage, ObjectMetadata, ObjectPlural, SelectOption, TwentyRecord } from './types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRecord = (v: unknown): v is TwentyRecord => isObject(v) && typeof v.id === 'string';

function unreadable(what: string): UpstreamError {
  return new UpstreamError(`Twenty answered ${what} in a shape the BFF cannot read.`);
}

/** Records and their cursors from an array or an `edges` connection. */
function readList(value: unknown): { records: TwentyRecord[]; cursors: Array<string | null> } | undefined {
  if (Array.isArray(value)) {
    if (!value.every(isRecord)) return undefined;
    return { records: value, cursors: [] };
  }
  if (isObject(value) && Array.isArray(value.edges)) {
    const records: TwentyRecord[] = [];
    const cursors: Array<string | null> = [];
    for (const edge of value.edges) {
      if (!isObject(edge) || !isRecord(edge.node)) return undefined;
      records.push(edge.node);
      cursors.push(typeof edge.cursor === 'string' ? edge.cursor : null);
    }
    return { records, cursors };
  }
  return undefined;
}

/** Counts may come as numbers or, through some proxies and big-int serialisers, as numeric strings. */
const firstNumber = (...values: unknown[]): number | undefined => {
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
};
const firstObject = (...values: unknown[]): Json => values.find(isObject) ?? {};
const cursorOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function readListPage(body: unknown, object: ObjectPlural): ListPage {
  if (!isObject(body)) throw unreadable(`a list of ${object}`);
  const data = body.data;
  const container = isObject(data) && object in data ? data[object] : data;
  const list = readList(container);
  if (!list) throw unreadable(`a list of ${object}`);
  const inner = isObject(container) ? container : {};
  const outer = isObject(data) ? data : {};
  const pageInfo = firstObject(body.pageInfo, outer.pageInfo, inner.pageInfo);
  return {
    records: list.records,
    totalCount: firstNumber(body.totalCount, outer.totalCount, inner.totalCount) ?? list.records.length,
    pageInfo: {
      hasNextPage: pageInfo.hasNextPage === true,
      // Older servers leave hasPreviousPage out unless it is true (§2).
      hasPreviousPage: pageInfo.hasPreviousPage === true,
      startCursor: cursorOrNull(pageInfo.startCursor) ?? list.cursors[0] ?? null,
      endCursor: cursorOrNull(pageInfo.endCursor) ?? list.cursors[list.cursors.length - 1] ?? null,
    },
  };
}

/** One record from `data.<envelope>`, `data.<singular>`, a bare `data` record, or a bare record. */
export function readRecord(body: unknown, object: ObjectPlural, envelope?: 'create' | 'update' | 'restore'): TwentyRecord {
  const data = isObject(body) ? body.data : undefined;
  const keys = envelope ? [envelopeKey(envelope, object), SINGULAR[object]] : [SINGULAR[object]];
  if (isObject(data)) {
    for (const key of keys) if (isRecord(data[key])) return data[key];
    if (isRecord(data)) return data;
  }
  if (isRecord(body)) return body;
  throw unreadable(`a ${SINGULAR[object]}`);
}

export function readRecords(body: unknown, object: ObjectPlural): TwentyRecord[] {
  const data = isObject(body) ? body.data : body;
  const candidates = isObject(data) ? [data[envelopeKey('create', object, true)], data[object]] : [data];
  for (const candidate of candidates) {
    const list = readList(candidate);
    if (list) return list.records;
  }
  throw unreadable(`created ${object}`);
}

/** The id a delete answered with, falling back to the id asked for when the body is empty. */
export function readDeletedId(body: unknown, object: ObjectPlural, askedId: string): string {
  const data = isObject(body) ? body.data : undefined;
  if (isObject(data)) {
    const record = data[envelopeKey('delete', object)];
    if (isObject(record) && typeof record.id === 'string') return record.id;
    if (typeof data.id === 'string') return data.id;
  }
  return askedId;
}

export function readGroupBy(body: unknown): GroupByRow[] {
  let rows: unknown = body;
  if (isObject(body)) {
    rows = Array.isArray(body.data) ? body.data : isObject(body.data) ? Object.values(body.data).find(Array.isArray) : undefined;
  }
  if (!Array.isArray(rows) || !rows.every(isObject)) throw unreadable('a groupBy');
  return rows.map((row) => ({
    ...row,
    groupByDimensionValues: Array.isArray(row.groupByDimensionValues) ? row.groupByDimensionValues : [],
  }));
}

const nodes = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : isObject(value) && Array.isArray(value.edges) ? value.edges.map((e) => (isObject(e) ? e.node : e)) : [];

export function readObjectMetadata(body: unknown): ObjectMetadata[] {
  const data = isObject(body) ? (body.data ?? body) : body;
  const objects = nodes(isObject(data) ? data.objects : data);
  if (objects.length === 0 && !(isObject(data) && 'objects' in data)) throw unreadable('object metadata');
  return objects.filter(isObject).map((object) => ({
    nameSingular: String(object.nameSingular ?? ''),
    namePlural: String(object.namePlural ?? ''),
    fields: nodes(object.fields).filter(isObject).map(readField),
  }));
}

function readField(field: Json): FieldMetadata {
  const result: FieldMetadata = { name: String(field.name ?? ''), type: String(field.type ?? '') };
  if (typeof field.label === 'string') result.label = field.label;
  if (Array.isArray(field.options)) {
    result.options = field.options.filter(isObject).map(
      (o, index): SelectOption => ({
        value: String(o.value ?? ''),
        label: String(o.label ?? o.value ?? ''),
        color: typeof o.color === 'string' ? o.color : null,
        position: typeof o.position === 'number' ? o.position : index,
      }),
    );
  } else if (field.options === null) result.options = null;
  return result;
}

/** Twenty's error body (§8): the `messages` list, or `message` on framework errors. */
export function readErrorMessages(body: unknown): string[] {
  if (!isObject(body)) return [];
  if (Array.isArray(body.messages)) return body.messages.filter((m): m is string => typeof m === 'string');
  if (typeof body.message === 'string') return [body.message];
  if (Array.isArray(body.message)) return body.message.filter((m): m is string => typeof m === 'string');
  return [];
}
