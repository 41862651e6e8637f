/**
 * What an `_entities` field (federation) asks of each entity type, for the planner: its
 * representations grouped by type, and the lookups the reference resolvers make for them
 * (src/federation/entities.ts: by id, else by the alternative key present).
 */
import type { GraphQLSchema } from 'graphql';
import { modelOfType, type ObjectModel } from '../model/index.js';
import type { EntityLookups } from './operation.js';

export type Representation = Record<string, unknown>;

/** Representations by type name; `unknown` when some names a type outside the model. */
export function representationsByType(schema: GraphQLSchema, representations: unknown): { byType: Map<string, Representation[]>; unknown: boolean } {
  const byType = new Map<string, Representation[]>();
  let unknown = false;
  if (!Array.isArray(representations)) return { byType, unknown };
  for (const representation of representations) {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
    if (!type || !modelOfType(type.name)) {
      unknown = true;
      continue;
    }
    const list = byType.get(type.name);
    if (list) list.push(representation as Representation);
    else byType.set(type.name, [representation as Representation]);
  }
  return { byType, unknown };
}

/**
 * Fields a lookup by a key's value matches records on (kept in `fields=`): only the object's own
 * fields, so a representation's names never reach a query string.
 */
export function keyFieldsOf(model: ObjectModel, representations: Representation[]): Set<string> {
  const fields = new Set<string>();
  for (const representation of representations) {
    if (representation.id != null) continue;
    for (const field of Object.keys(representation)) if (model.fields.some((known) => known.name === field)) fields.add(field);
  }
  return fields;
}

/** The reads the reference resolvers make for one type's representations (by id, else by the key present). */
export function entityLookups(model: ObjectModel, representations: Representation[]): EntityLookups {
  const reads = new Map<string, number>();
  for (const representation of representations) {
    // As the reference resolvers look: by id, else by the key present (an entity has one other).
    const key = representation.id != null ? 'id' : keyFieldsOf(model, [representation]).values().next().value;
    if (key === undefined) continue; // no key of its type: refused at its own index, no call
    const identity = key === 'id' ? `byId:${model.plural}` : `value:${model.plural}:${key}`;
    reads.set(identity, (reads.get(identity) ?? 0) + 1);
  }
  const distinct = new Set(representations.map((r) => JSON.stringify(r))).size === representations.length;
  return { count: representations.length, distinct, reads: [...reads].map(([identity, keys]) => ({ identity, keys })) };
}
