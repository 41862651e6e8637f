/**
 * `?fields=` (twenty-rest.md §13), as current Twenty servers read it (twenty-server
 * parseFieldsRestRequest, pickRestResponseFields): a comma-separated list of field names of the
 * object; `id` always comes back; an unknown name is a 400; a one-to-many relation is a 400
 * unless `depth=1`. A many-to-one relation's name (`company`) selects its foreign key
 * (`companyId`) and, at depth 1, the nested record; at depth 1 only the relations named are
 * expanded. Records nested at depth 1 come whole. Older servers ignore the parameter.
 */
import { badRequest } from './http-error.js';
import type { ObjectDef } from './objects.js';
import { RawJson } from './raw-json.js';

export interface FieldSelection {
  /** Keys kept on each record. */
  keys: Set<string>;
  /** Relations expanded at depth 1. */
  relations: Set<string>;
}

/** The selection asked by `fields=`, or undefined when the request has none (or the server predates it). */
export function parseFields(def: ObjectDef, query: URLSearchParams, depth: 0 | 1, legacy: boolean): FieldSelection | undefined {
  const raw = query.getAll('fields');
  if (legacy || raw.length === 0) return undefined;
  const names = [...new Set(raw.flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== ''))];
  if (names.length === 0) {
    throw badRequest(`'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name`);
  }
  const toOne = new Map(def.manyToOne.map((relation) => [relation.name, relation]));
  const toMany = new Set(def.oneToMany.map((relation) => relation.name));
  const unknown = names.filter((name) => !def.fieldsByName.has(name) && !toOne.has(name) && !toMany.has(name));
  if (unknown.length > 0) {
    throw badRequest(`'fields' parameter invalid. Unknown or unreadable fields on '${def.singular}': ${unknown.join(', ')}`);
  }
  const arrays = names.filter((name) => toMany.has(name));
  if (depth === 0 && arrays.length > 0) {
    throw badRequest(`'fields' parameter invalid. One-to-many relation fields on '${def.singular}' are only returned with depth=1: ${arrays.join(', ')}`);
  }
  const keys = new Set(['id']);
  const relations = new Set<string>();
  for (const name of names) {
    const relation = toOne.get(name);
    if (relation) {
      keys.add(relation.fk);
      if (depth === 1) {
        keys.add(name);
        relations.add(name);
      }
    } else {
      keys.add(name);
      if (toMany.has(name)) relations.add(name);
    }
  }
  return { keys, relations };
}

/** The documents with only the selected keys. */
export function selectFields(documents: RawJson[], selection: FieldSelection): RawJson[] {
  return documents.map((document) => {
    const record = JSON.parse(document.text) as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(record)) if (selection.keys.has(key)) picked[key] = record[key];
    return new RawJson(JSON.stringify(picked));
  });
}
