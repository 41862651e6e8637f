import type { ScalarKind } from '../twenty/filter.js';
import type { ObjectPlural } from '../twenty/types.js';

/**
 * How one input field becomes part of a Twenty request body. Input field names are Twenty's own
 * field names (§10), so the mapper never renames; it only checks and converts.
 * - `value`: scalar sent as given (null unsets it).
 * - `id`: a foreign key; must be a UUID (or null to unlink).
 * - `select`: a SELECT field; checked against the workspace's options (§10: stages differ per workspace).
 * - `money`: CURRENCY composite; `amount` (units) is converted to `amountMicros`.
 * - `composite`: any other composite (FULL_NAME, LINKS, EMAILS, PHONES, ADDRESS, RICH_TEXT); sub-fields
 *   are sent as given, so an update only touches the sub-fields it names.
 */
export type WriteKind = 'value' | 'id' | 'select' | 'money' | 'composite';

/** One stored field of a record, by its Twenty name (§10). */
export interface FieldModel {
  name: string;
  /**
   * The kind a filter compares it as; a composite lists its filterable sub-fields. Absent: the
   * field is not filterable (returned as is, e.g. `createdBy`).
   */
  filter?: ScalarKind | Readonly<Record<string, ScalarKind>>;
  /**
   * Twenty order paths (§5: composites by sub-field) exposed as `…OrderField` enum values; the
   * enum value is the path in upper snake case (`domainName.primaryLinkUrl` →
   * `DOMAIN_NAME_PRIMARY_LINK_URL`).
   */
  order?: readonly string[];
  /** How create and update inputs write it; absent when the BFF never writes it. */
  write?: WriteKind;
}

/**
 * A many-to-one relation: the record its foreign key points at. At `depth=1` Twenty nests it
 * under `restName` (§6). Target records (noteTargets, taskTargets) name their foreign keys
 * differently on servers before v1.17 (`legacy`).
 */
export interface ToOneRelation {
  kind: 'toOne';
  /** GraphQL field name. */
  name: string;
  target: ObjectPlural;
  foreignKey: string;
  /** Key of the nested object at depth 1. */
  restName: string;
  legacy?: { foreignKey: string; restName: string };
}

/**
 * A one-to-many relation by foreign key (`people` of a company: `person.companyId`). At
 * `depth=1` Twenty adds the children under `restName`, capped (§6). `list`: a plain GraphQL list
 * (`Note.targets`) rather than a Relay connection.
 */
export interface OneToManyRelation {
  kind: 'oneToMany';
  name: string;
  target: ObjectPlural;
  foreignKey: string;
  restName: string;
  list?: boolean;
  /** Target records name the foreign key differently before v1.17 (§10). */
  legacy?: { foreignKey: string };
}

/**
 * Notes or tasks of a company, person or opportunity, reached through their target records
 * (§10): `via` records whose `targetKind` field points at the parent, each naming its note or
 * task by `ownerField`. At depth 1 the parent carries the target records under `restName`.
 */
export interface ThroughTargetsRelation {
  kind: 'throughTargets';
  name: string;
  target: 'notes' | 'tasks';
  via: 'noteTargets' | 'taskTargets';
  ownerField: 'noteId' | 'taskId';
  targetKind: 'company' | 'person' | 'opportunity';
  restName: 'noteTargets' | 'taskTargets';
}

export type RelationModel = ToOneRelation | OneToManyRelation | ThroughTargetsRelation;

/** A GraphQL field computed from stored fields (`stageInfo` from `stage`): what it reads. */
export interface ComputedField {
  /** Twenty fields it reads; `'*'` means the whole record (custom fields). */
  reads: readonly string[];
  /** It needs the workspace metadata (`/rest/metadata/objects`, §1: SELECT options). */
  metadata?: boolean;
  /**
   * A report over this record's related records (src/reports/: `Company.pipeline`): one groupBy
   * call per batch of parents, after the parents are known.
   */
  report?: boolean;
}

/** Where a note or task is linked through its join object (§10 noteTarget / taskTarget). */
export interface TargetsSpec {
  object: 'noteTargets' | 'taskTargets';
  /** The join record's key pointing back at the note or task. */
  parentKey: 'noteId' | 'taskId';
}

/** One object the BFF serves: its stored fields, relations and GraphQL names. */
export interface ObjectModel {
  plural: ObjectPlural;
  singular: string;
  /** GraphQL type name. */
  type: string;
  fields: readonly FieldModel[];
  relations: readonly RelationModel[];
  computed: Readonly<Record<string, ComputedField>>;
  /**
   * Stored fields Twenty returns that the schema deliberately leaves out (they must not show up
   * in `customFields`): one-to-many arrays of depth 1 the schema does not expose, internals.
   */
  hidden: readonly string[];
  /** For objects with mutations: their names (`createCompany`, `createCompanies`) and targets. */
  writable?: { type: string; typePlural: string; targets?: TargetsSpec };
}
