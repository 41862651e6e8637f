/** Reading `/rest/...` paths the way Twenty's `parseCorePath` does (twenty-rest.md §1). */
import { badRequest, isUuid } from './http-error.js';
import { type ObjectDef, type ObjectRegistry, pluralOf } from './objects.js';

export type Action = 'collection' | 'record' | 'batch' | 'groupBy' | 'duplicates' | 'merge' | 'restore';

export interface ParsedPath {
  object: string;
  action: Action;
  id?: string;
}

const invalidPath = (pathname: string) =>
  badRequest(`Query path '${pathname}' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies`);

export function parseRestPath(method: string, pathname: string, legacy: boolean): ParsedPath {
  const segments = pathname.replace(/^\/rest/, '').split('/').filter(Boolean);
  // Older servers restore through PATCH /rest/restore/{plural}/{id} (§1).
  if (legacy && method === 'PATCH' && segments[0] === 'restore' && segments.length === 3) {
    if (!isUuid(segments[2])) throw badRequest(`'${segments[2]}' is not a valid UUID`);
    return { object: segments[1], action: 'restore', id: segments[2] };
  }
  const isRestore = !legacy && method === 'PATCH' && segments[segments.length - 1] === 'restore';
  const max = isRestore ? 3 : 2;
  if (segments.length > max || segments.length === 0) throw invalidPath(pathname);
  if (segments.length === 1) return { object: segments[0], action: 'collection' };
  if (segments[0] === 'batch') return { object: segments[1], action: 'batch' };
  if (segments[1] === 'duplicates' || segments[1] === 'merge') return { object: segments[0], action: segments[1] };
  // groupBy arrived in late 2025; older servers read it as an id.
  if (segments[1] === 'groupBy' && !legacy) return { object: segments[0], action: 'groupBy' };
  if (isRestore) {
    const id = segments.length === 3 ? segments[1] : undefined;
    if (id === undefined) throw invalidPath(pathname);
    if (!isUuid(id)) throw badRequest(`'${id}' is not a valid UUID`);
    return { object: segments[0], action: 'restore', id };
  }
  if (!isUuid(segments[1])) throw badRequest(`'${segments[1]}' is not a valid UUID`);
  return { object: segments[0], action: 'record', id: segments[1].toLowerCase() };
}

export function resolveObject(registry: ObjectRegistry, name: string): ObjectDef {
  const def = registry.get(name);
  if (def) return def;
  const plural = pluralOf(registry, name);
  if (plural) throw badRequest(`object '${name}' not found. Did you mean '${plural}'?`);
  throw badRequest(`object '${name}' not found`);
}

/** The object a request is about, for request counters; null when the path names none. */
export function objectOfPath(registry: ObjectRegistry, method: string, pathname: string, legacy: boolean): string | null {
  try {
    const { object } = parseRestPath(method, pathname, legacy);
    return registry.has(object) ? object : null;
  } catch {
    return null;
  }
}
