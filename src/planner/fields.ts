/**
 * Which fields each read asks for (`fields=`, §13): per object, the union of what every node
 * of the operation reads from that object's records, so that any record the request caches
 * (by id, shared by all its readers) holds what each of them needs.
 *
 * A node needs the fields its selection reads, the keys of its order (cursors, in-memory
 * order) and filter (checked record by record when Twenty cannot express it), `deletedAt` (the
 * by-id cache keeps only live records), the foreign key of a one-to-many it is read through (to
 * group children by parent), and at depth 1 the relations it expands. Many-to-ones are named
 * by relation (`company`), which brings the foreign key. An object whose whole record is read
 * (`customFields`) is never trimmed, and neither are the target records of notes and tasks.
 */
import { objectModel, specOfObject, type ObjectModel } from '../model/index.js';
import type { ObjectPlural } from '../twenty/types.js';
import type { NodeDecision } from './decide.js';
import type { PlanNode } from './operation.js';

export interface FieldLists {
  /** Field names for a read of `object` (with `depth` when it expands relations), or undefined: the whole record. */
  forRead(object: ObjectPlural, depth: boolean): readonly string[] | undefined;
}

/** A Twenty field name as `fields=` takes it: a foreign key by its relation (`companyId` → `company`). */
function requestName(model: ObjectModel, field: string): string {
  const relation = model.relations.find((r) => r.kind === 'toOne' && r.foreignKey === field);
  return relation ? relation.restName : field;
}

/** Field names at the top of a filter input (`{ name: { firstName: … }, or: [...] }` → name, …). */
function filterFields(input: unknown, into: Set<string>): void {
  if (!input || typeof input !== 'object') return;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'and' || key === 'or') for (const part of (value as unknown[]) ?? []) filterFields(part, into);
    else if (key === 'not') filterFields(value, into);
    else into.add(key);
  }
}

export function fieldLists(nodes: readonly PlanNode[], decisions: ReadonlyMap<PlanNode, NodeDecision>): FieldLists {
  const base = new Map<ObjectPlural, Set<string>>();
  const expanded = new Map<ObjectPlural, Set<string>>();
  const whole = new Set<ObjectPlural>(['noteTargets', 'taskTargets']);
  const add = (object: ObjectPlural, names: Iterable<string>, into = base) => {
    const model = objectModel(object);
    let set = into.get(object);
    if (!set) into.set(object, (set = new Set(['deletedAt'])));
    for (const name of names) set.add(requestName(model, name));
  };

  for (const node of nodes) {
    const object = node.object.plural;
    if (node.select.allFields) whole.add(object);
    const args = node.args as { orderBy?: Array<{ field: string }> | null; filter?: unknown };
    const keys = new Set(node.select.fields);
    const orderPaths = specOfObject(object).orderFields;
    for (const { field } of args.orderBy ?? []) if (orderPaths[field]) keys.add(orderPaths[field].split('.')[0]);
    filterFields(args.filter, keys);
    if (node.relation?.kind === 'oneToMany') keys.add(node.relation.foreignKey);
    add(object, keys);
    if (decisions.get(node)?.depth) {
      // The relations its own call expands: those of its children served from it.
      for (const child of node.children) {
        if (decisions.get(child)?.source === 'fromParent' && child.relation && child.relation.kind !== 'throughTargets') {
          add(object, [child.relation.restName], expanded);
        }
      }
    }
  }
  return {
    forRead(object, depth) {
      if (whole.has(object) || !base.has(object)) return undefined;
      const names = [...base.get(object)!, ...(depth ? (expanded.get(object) ?? []) : [])].filter((name) => name !== 'id');
      return [...new Set(names)].sort();
    },
  };
}
