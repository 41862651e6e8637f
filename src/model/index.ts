/**
 * The object model as data (src/model/objects.ts) and the views other parts read from it:
 * `ObjectSpec` for reads (filters, order enums, known fields), `WritableObject` for mutations,
 * lookups by REST plural and GraphQL type.
 */
import type { FilterFields } from '../twenty/filter.js';
import type { ObjectPlural } from '../twenty/types.js';
import { COMPANY, NOTE, NOTE_TARGET, OBJECTS, OPPORTUNITY, PERSON, TASK, TASK_TARGET, WORKSPACE_MEMBER } from './objects.js';
import type { ObjectModel, RelationModel, TargetsSpec, WriteKind } from './types.js';

export type * from './types.js';
export { OBJECTS } from './objects.js';

const byPlural = new Map<ObjectPlural, ObjectModel>(OBJECTS.map((o) => [o.plural, o]));
const byType = new Map<string, ObjectModel>(OBJECTS.map((o) => [o.type, o]));

/** The model of a REST object (§1 plural). */
export function objectModel(plural: ObjectPlural): ObjectModel {
  const model = byPlural.get(plural);
  if (!model) throw new TypeError(`No model for Twenty object "${plural}"`);
  return model;
}

/** The model behind a GraphQL object type (`Company`), or undefined for other types. */
export const modelOfType = (type: string): ObjectModel | undefined => byType.get(type);

/** A relation of an object by its GraphQL field name. */
export function relationOf(model: ObjectModel, field: string): RelationModel | undefined {
  return model.relations.find((r) => r.name === field);
}

// ---------------------------------------------------------------- the read side

/**
 * What the read side knows about each object: the fields its GraphQL filter exposes (keys are
 * Twenty's field and sub-field names, so the filter input passes straight to `buildFilter`), the
 * Twenty path behind each `…OrderField` enum value, and every field name the schema knows (the
 * rest of a record is the workspace's custom fields).
 */
export interface ObjectSpec {
  plural: ObjectPlural;
  filterFields: FilterFields;
  /** `…OrderField` enum value → Twenty order path (§5: composites by sub-field). */
  orderFields: Record<string, string>;
  /** Fields the schema exposes or deliberately hides; anything else goes to `customFields`. */
  knownFields: ReadonlySet<string>;
}

/** `domainName.primaryLinkUrl` → `DOMAIN_NAME_PRIMARY_LINK_URL`. */
export const orderEnumValue = (path: string): string => path.replace(/[.]/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * Every key Twenty may put on a record of this object that is not a custom field: stored
 * fields, the depth-1 names of its relations (§6, under either target naming) and the hidden ones.
 */
function knownKeys(model: ObjectModel): Set<string> {
  const keys = new Set<string>([...model.fields.map((f) => f.name), ...model.hidden]);
  for (const relation of model.relations) {
    if (relation.kind === 'throughTargets') {
      keys.add(relation.restName);
      continue;
    }
    keys.add(relation.restName);
    if (relation.kind === 'toOne') keys.add(relation.foreignKey);
    if (relation.kind === 'toOne' && relation.legacy) {
      keys.add(relation.legacy.restName);
      keys.add(relation.legacy.foreignKey);
    }
  }
  return keys;
}

function specOf(model: ObjectModel): ObjectSpec {
  const filterFields: FilterFields = {};
  const orderFields: Record<string, string> = {};
  for (const field of model.fields) {
    if (field.filter !== undefined) filterFields[field.name] = field.filter as FilterFields[string];
    for (const path of field.order ?? []) orderFields[orderEnumValue(path)] = path;
  }
  return { plural: model.plural, filterFields, orderFields, knownFields: knownKeys(model) };
}

const specs = new Map<ObjectPlural, ObjectSpec>(OBJECTS.map((o) => [o.plural, specOf(o)]));

/** The read-side view of an object. */
export function specOfObject(plural: ObjectPlural): ObjectSpec {
  return specs.get(plural)!;
}

export const companySpec = specOfObject('companies');
export const personSpec = specOfObject('people');
export const opportunitySpec = specOfObject('opportunities');
export const noteSpec = specOfObject('notes');
export const taskSpec = specOfObject('tasks');
export const workspaceMemberSpec = specOfObject('workspaceMembers');
export const noteTargetSpec = specOfObject('noteTargets');
export const taskTargetSpec = specOfObject('taskTargets');

// ---------------------------------------------------------------- the write side

/** Everything the generic mutation code needs to know about one writable object. */
export interface WritableObject {
  /** GraphQL type name, used to build the mutation names (`createCompany`). */
  type: 'Company' | 'Person' | 'Opportunity' | 'Note' | 'Task';
  /** Plural used in `createCompanies` etc. */
  typePlural: 'Companies' | 'People' | 'Opportunities' | 'Notes' | 'Tasks';
  /** REST plural (§1). */
  plural: ObjectPlural;
  /** Input field → how it is written (the model's writable fields). */
  fields: Readonly<Record<string, WriteKind>>;
  targets?: TargetsSpec;
}

/**
 * The mutation view of a writable object, typed with its literal GraphQL names so that the
 * mutation resolvers can be checked against the SDL at compile time.
 */
function writableOf<T extends WritableObject['type'], P extends WritableObject['typePlural']>(
  model: ObjectModel,
  type: T,
  typePlural: P,
): WritableObject & { type: T; typePlural: P } {
  if (model.writable?.type !== type || model.writable.typePlural !== typePlural) {
    throw new TypeError(`${model.plural} is not writable as ${type}/${typePlural}`);
  }
  const fields: Record<string, WriteKind> = {};
  for (const field of model.fields) if (field.write) fields[field.name] = field.write;
  return { type, typePlural, plural: model.plural, fields, ...(model.writable.targets ? { targets: model.writable.targets } : {}) };
}

export const WRITABLE_COMPANY = writableOf(COMPANY, 'Company', 'Companies');
export const WRITABLE_PERSON = writableOf(PERSON, 'Person', 'People');
export const WRITABLE_OPPORTUNITY = writableOf(OPPORTUNITY, 'Opportunity', 'Opportunities');
export const WRITABLE_NOTE = writableOf(NOTE, 'Note', 'Notes');
export const WRITABLE_TASK = writableOf(TASK, 'Task', 'Tasks');

export const WRITABLE_OBJECTS: readonly WritableObject[] = [
  WRITABLE_COMPANY,
  WRITABLE_PERSON,
  WRITABLE_OPPORTUNITY,
  WRITABLE_NOTE,
  WRITABLE_TASK,
];

export { COMPANY, NOTE, NOTE_TARGET, OPPORTUNITY, PERSON, TASK, TASK_TARGET, WORKSPACE_MEMBER };
