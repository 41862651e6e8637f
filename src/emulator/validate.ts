/**
 * Write validation: a request body → stored column values. Unknown fields, wrong types, bad
 * UUIDs and SELECT values outside the options are 400s, as Twenty's data-arg processor makes them.
 */
import { badRequest, isUuid } from './http-error.js';
import { type ColumnDef, type FieldDef, type ObjectDef } from './objects.js';
import { COMPOSITES, type ScalarKind, isCompositeType, subColumn } from './composites.js';

export type ColumnValues = Record<string, unknown>;

/** Fields the server owns: accepted in a body (Twenty ignores them) but never written from it. */
const SERVER_OWNED = new Set(['createdAt', 'updatedAt', 'deletedAt', 'createdBy', 'updatedBy']);

function coerce(kind: ScalarKind, value: unknown, where: string, field: FieldDef): unknown {
  if (value === null) return null;
  switch (kind) {
    case 'TEXT':
      if (typeof value !== 'string') throw badRequest(`Invalid value for field '${where}': expected a string, got ${JSON.stringify(value)}`);
      return value;
    case 'NUMBER':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw badRequest(`Invalid value for field '${where}': expected a number, got ${JSON.stringify(value)}`);
      }
      return value;
    case 'NUMERIC': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) {
        throw badRequest(`Invalid value for field '${where}': expected an integer, got ${JSON.stringify(value)}`);
      }
      // Postgres NUMERIC holds any integer exactly and node-postgres reads it back as text: a value
      // beyond 2^53 stays the decimal string it was sent as (the column keeps an approximation
      // for filters, order and sums; the document keeps it exact, see Store.update).
      return typeof value === 'string' && !Number.isSafeInteger(n) ? value.replace(/^(-?)0+(?=\d)/, '$1') : n;
    }
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw badRequest(`Invalid value for field '${where}': expected a boolean, got ${JSON.stringify(value)}`);
      return value ? 1 : 0;
    case 'UUID':
      if (!isUuid(value)) throw badRequest(`'${String(value)}' is not a valid UUID`);
      return value.toLowerCase();
    case 'DATE_TIME': {
      const date = typeof value === 'string' ? new Date(value) : null;
      if (!date || Number.isNaN(date.getTime())) {
        throw badRequest(`Invalid value for field '${where}': expected an ISO date, got ${JSON.stringify(value)}`);
      }
      return date.toISOString();
    }
    case 'SELECT': {
      const options = field.options ?? [];
      if (typeof value !== 'string' || !options.some((o) => o.value === value)) {
        throw badRequest(
          `Invalid value '${String(value)}' for field '${where}'. Allowed values: ${options.map((o) => o.value).join(', ')}`,
        );
      }
      return value;
    }
    case 'RAW_JSON':
      return JSON.stringify(value);
  }
}

/**
 * Validates a body for create (`defaults: true` fills every column Twenty would default) or
 * update (only the columns given).
 */
export function toColumnValues(def: ObjectDef, body: unknown, options: { defaults: boolean }): ColumnValues {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  const values: ColumnValues = {};
  if (options.defaults) {
    for (const col of def.columns) values[col.column] = defaultFor(col);
  }
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const field = def.fieldsByName.get(key);
    if (!field) throw badRequest(`Object ${def.singular} doesn't have any "${key}" field.`);
    if (SERVER_OWNED.has(key)) continue;
    if (key === 'id') {
      if (options.defaults) values.id = coerce('UUID', value, 'id', field);
      continue;
    }
    if (isCompositeType(field.type)) {
      const subs = COMPOSITES[field.type];
      if (value === null) {
        for (const sub of subs) values[subColumn(field.name, sub.name)] = null;
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw badRequest(`Invalid value for field '${key}': expected an object with ${subs.map((s) => s.name).join(', ')}`);
      }
      for (const [subKey, subValue] of Object.entries(value as Record<string, unknown>)) {
        const sub = subs.find((s) => s.name === subKey);
        if (!sub) throw badRequest(`Invalid value for field '${key}': unknown sub-field '${subKey}'`);
        values[subColumn(field.name, sub.name)] = coerce(sub.kind, subValue, `${key}.${subKey}`, field);
      }
      continue;
    }
    if (value === null && !field.nullable) throw badRequest(`Field '${key}' cannot be null`);
    const kind: ScalarKind = field.type === 'POSITION' ? 'NUMBER' : (field.type as ScalarKind);
    values[field.column] = coerce(kind, value, key, field);
  }
  return values;
}

function defaultFor(col: ColumnDef): unknown {
  const value = col.sub ? col.sub.default : col.field.default;
  if (value === null || value === undefined) return null;
  if (col.kind === 'RAW_JSON') return JSON.stringify(value);
  if (col.kind === 'BOOLEAN') return value ? 1 : 0;
  return value;
}
