/**
 * The one object-definition module (twenty-rest.md §10). Storage DDL, SQL, serialisation,
 * write validation, filters, groupBy, `/rest/metadata/objects` and the OpenAPI document are all
 * derived from these definitions, so they cannot drift apart.
 */
import { COMPOSITES, type CompositeType, type ScalarKind, type SubFieldDef, isCompositeType, subColumn } from './composites.js';

export type FieldType = 'UUID' | 'TEXT' | 'NUMBER' | 'POSITION' | 'BOOLEAN' | 'DATE_TIME' | 'SELECT' | CompositeType;

export interface SelectOptionDef {
  id: string;
  value: string;
  label: string;
  color: string;
  position: number;
}

export interface FieldDef {
  /** API name (legacy target fields use the old names, the column stays the same). */
  name: string;
  type: FieldType;
  label: string;
  /** Scalar fields only. */
  column: string;
  nullable: boolean;
  default: unknown;
  options?: SelectOptionDef[];
  /** id, createdAt, updatedAt, deletedAt, createdBy, updatedBy: set by the server. */
  system: boolean;
  /** Set when this UUID field is a foreign key: the many-to-one relation it backs. */
  relation?: ManyToOneDef;
}

export interface ManyToOneDef {
  /** Relation name in depth-1 output (`company`), and its foreign key field (`companyId`). */
  name: string;
  fk: string;
  target: string;
}

export interface OneToManyDef {
  name: string;
  target: string;
  /** API name of the foreign key on the target object. */
  fk: string;
}

/** One stored column: a scalar field, or one sub-field of a composite field. */
export interface ColumnDef {
  column: string;
  kind: ScalarKind;
  field: FieldDef;
  sub?: SubFieldDef;
}

export interface ObjectDef {
  id: string;
  singular: string;
  plural: string;
  labelSingular: string;
  labelPlural: string;
  fields: FieldDef[];
  fieldsByName: Map<string, FieldDef>;
  columns: ColumnDef[];
  columnsByName: Map<string, ColumnDef>;
  manyToOne: ManyToOneDef[];
  oneToMany: OneToManyDef[];
  /** workspaceMembers: the emulator serves them read-only. */
  readOnly: boolean;
}

const label = (name: string): string =>
  name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace(/ Id$/, '');

interface FieldSpec {
  name: string;
  type: FieldType;
  nullable?: boolean;
  default?: unknown;
  options?: Array<[string, string, string]>;
  /** For UUID foreign keys: relation name and target plural. */
  rel?: [string, string];
}

const DEFAULTS: Partial<Record<FieldType, unknown>> = { TEXT: '', BOOLEAN: false };

const makeField = (objectSingular: string, spec: FieldSpec, system = false): FieldDef => {
  const field: FieldDef = {
    name: spec.name,
    type: spec.type,
    label: label(spec.name),
    column: spec.name,
    nullable: spec.nullable ?? true,
    default: spec.default !== undefined ? spec.default : (DEFAULTS[spec.type] ?? null),
    system,
  };
  if (spec.options) {
    field.options = spec.options.map(([value, lbl, color], position) => ({
      id: stableUuid(`${objectSingular}.${spec.name}.${value}`),
      value,
      label: lbl,
      color,
      position,
    }));
  }
  if (spec.rel) field.relation = { name: spec.rel[0], fk: spec.name, target: spec.rel[1] };
  return field;
};

/** Deterministic ids for metadata, so two runs publish the same metadata document. */
export function stableUuid(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < seed.length; i++) {
      h1 = Math.imul(h1 ^ seed.charCodeAt(i), 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ (seed.charCodeAt(i) + round), 0x5bd1e995) >>> 0;
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

interface ObjectSpec {
  singular: string;
  plural: string;
  labelSingular: string;
  labelPlural: string;
  fields: FieldSpec[];
  oneToMany: Array<[string, string, string]>;
  readOnly?: boolean;
}

const STAGES: Array<[string, string, string]> = [
  ['NEW', 'New', 'red'],
  ['SCREENING', 'Screening', 'purple'],
  ['MEETING', 'Meeting', 'sky'],
  ['PROPOSAL', 'Proposal', 'turquoise'],
  ['CUSTOMER', 'Customer', 'yellow'],
];
const TASK_STATUSES: Array<[string, string, string]> = [
  ['TODO', 'To do', 'sky'],
  ['IN_PROGRESS', 'In progress', 'purple'],
  ['DONE', 'Done', 'green'],
];

function specs(legacy: boolean, stages: Array<[string, string, string]>): ObjectSpec[] {
  // §10: target field names changed in v1.17 (personId → targetPersonId, ...).
  const target = (kind: 'Person' | 'Company' | 'Opportunity', plural: string): FieldSpec =>
    legacy
      ? { name: `${kind.toLowerCase()}Id`, type: 'UUID', rel: [kind.toLowerCase(), plural] }
      : { name: `target${kind}Id`, type: 'UUID', rel: [`target${kind}`, plural] };
  const targetFk = (kind: 'Person' | 'Company' | 'Opportunity') => (legacy ? `${kind.toLowerCase()}Id` : `target${kind}Id`);
  return [
    {
      singular: 'company',
      plural: 'companies',
      labelSingular: 'Company',
      labelPlural: 'Companies',
      fields: [
        { name: 'name', type: 'TEXT' },
        { name: 'domainName', type: 'LINKS' },
        { name: 'employees', type: 'NUMBER' },
        { name: 'linkedinLink', type: 'LINKS' },
        { name: 'xLink', type: 'LINKS' },
        { name: 'annualRecurringRevenue', type: 'CURRENCY' },
        { name: 'address', type: 'ADDRESS' },
        { name: 'idealCustomerProfile', type: 'BOOLEAN', nullable: false },
        { name: 'position', type: 'POSITION', nullable: false },
        { name: 'accountOwnerId', type: 'UUID', rel: ['accountOwner', 'workspaceMembers'] },
      ],
      oneToMany: [
        ['people', 'people', 'companyId'],
        ['opportunities', 'opportunities', 'companyId'],
        ['noteTargets', 'noteTargets', targetFk('Company')],
        ['taskTargets', 'taskTargets', targetFk('Company')],
      ],
    },
    {
      singular: 'person',
      plural: 'people',
      labelSingular: 'Person',
      labelPlural: 'People',
      fields: [
        { name: 'name', type: 'FULL_NAME' },
        { name: 'emails', type: 'EMAILS' },
        { name: 'phones', type: 'PHONES' },
        { name: 'jobTitle', type: 'TEXT' },
        { name: 'city', type: 'TEXT' },
        { name: 'avatarUrl', type: 'TEXT' },
        { name: 'linkedinLink', type: 'LINKS' },
        { name: 'xLink', type: 'LINKS' },
        { name: 'position', type: 'POSITION', nullable: false },
        { name: 'companyId', type: 'UUID', rel: ['company', 'companies'] },
      ],
      oneToMany: [
        ['pointOfContactForOpportunities', 'opportunities', 'pointOfContactId'],
        ['noteTargets', 'noteTargets', targetFk('Person')],
        ['taskTargets', 'taskTargets', targetFk('Person')],
      ],
    },
    {
      singular: 'opportunity',
      plural: 'opportunities',
      labelSingular: 'Opportunity',
      labelPlural: 'Opportunities',
      fields: [
        { name: 'name', type: 'TEXT' },
        { name: 'amount', type: 'CURRENCY' },
        { name: 'closeDate', type: 'DATE_TIME' },
        { name: 'stage', type: 'SELECT', default: stages[0][0], nullable: false, options: stages },
        { name: 'position', type: 'POSITION', nullable: false },
        { name: 'companyId', type: 'UUID', rel: ['company', 'companies'] },
        { name: 'pointOfContactId', type: 'UUID', rel: ['pointOfContact', 'people'] },
        { name: 'ownerId', type: 'UUID', rel: ['owner', 'workspaceMembers'] },
      ],
      oneToMany: [
        ['noteTargets', 'noteTargets', targetFk('Opportunity')],
        ['taskTargets', 'taskTargets', targetFk('Opportunity')],
      ],
    },
    {
      singular: 'note',
      plural: 'notes',
      labelSingular: 'Note',
      labelPlural: 'Notes',
      fields: [
        { name: 'title', type: 'TEXT' },
        { name: 'bodyV2', type: 'RICH_TEXT_V2' },
        { name: 'position', type: 'POSITION', nullable: false },
      ],
      oneToMany: [['noteTargets', 'noteTargets', 'noteId']],
    },
    {
      singular: 'task',
      plural: 'tasks',
      labelSingular: 'Task',
      labelPlural: 'Tasks',
      fields: [
        { name: 'title', type: 'TEXT' },
        { name: 'bodyV2', type: 'RICH_TEXT_V2' },
        { name: 'dueAt', type: 'DATE_TIME' },
        { name: 'status', type: 'SELECT', default: 'TODO', options: TASK_STATUSES },
        { name: 'position', type: 'POSITION', nullable: false },
        { name: 'assigneeId', type: 'UUID', rel: ['assignee', 'workspaceMembers'] },
      ],
      oneToMany: [['taskTargets', 'taskTargets', 'taskId']],
    },
    {
      singular: 'noteTarget',
      plural: 'noteTargets',
      labelSingular: 'Note Target',
      labelPlural: 'Note Targets',
      fields: [
        { name: 'noteId', type: 'UUID', rel: ['note', 'notes'] },
        target('Person', 'people'),
        target('Company', 'companies'),
        target('Opportunity', 'opportunities'),
      ],
      oneToMany: [],
    },
    {
      singular: 'taskTarget',
      plural: 'taskTargets',
      labelSingular: 'Task Target',
      labelPlural: 'Task Targets',
      fields: [
        { name: 'taskId', type: 'UUID', rel: ['task', 'tasks'] },
        target('Person', 'people'),
        target('Company', 'companies'),
        target('Opportunity', 'opportunities'),
      ],
      oneToMany: [],
    },
    {
      singular: 'workspaceMember',
      plural: 'workspaceMembers',
      labelSingular: 'Workspace Member',
      labelPlural: 'Workspace Members',
      fields: [
        { name: 'name', type: 'FULL_NAME' },
        { name: 'userEmail', type: 'TEXT' },
        { name: 'avatarUrl', type: 'TEXT' },
        { name: 'locale', type: 'TEXT', default: 'en' },
        { name: 'timeZone', type: 'TEXT', default: 'system' },
        { name: 'colorScheme', type: 'TEXT', default: 'System' },
        { name: 'userId', type: 'UUID' },
      ],
      oneToMany: [
        ['assignedTasks', 'tasks', 'assigneeId'],
        ['ownedOpportunities', 'opportunities', 'ownerId'],
        ['accountOwnerForCompanies', 'companies', 'accountOwnerId'],
      ],
      readOnly: true,
    },
  ];
}

const SYSTEM_FIELDS: FieldSpec[] = [
  { name: 'id', type: 'UUID', nullable: false },
  { name: 'createdAt', type: 'DATE_TIME', nullable: false },
  { name: 'updatedAt', type: 'DATE_TIME', nullable: false },
  { name: 'deletedAt', type: 'DATE_TIME' },
  { name: 'createdBy', type: 'ACTOR', nullable: false },
  { name: 'updatedBy', type: 'ACTOR', nullable: false },
];

/** Storage columns never depend on `legacy`: old target names are only API names. */
const LEGACY_COLUMN: Record<string, string> = {
  personId: 'targetPersonId',
  companyId: 'targetCompanyId',
  opportunityId: 'targetOpportunityId',
};

export type ObjectRegistry = Map<string, ObjectDef>;

/** A workspace's own opportunity stages (§10: every workspace may change them), in order. */
export interface StageOptionSpec {
  value: string;
  label: string;
  color?: string;
}

export function buildObjects(options: { legacy?: boolean; stages?: readonly StageOptionSpec[] } = {}): ObjectRegistry {
  const legacy = options.legacy ?? false;
  const stages: Array<[string, string, string]> = options.stages?.length
    ? options.stages.map((s) => [s.value, s.label, s.color ?? 'gray'])
    : STAGES;
  const registry: ObjectRegistry = new Map();
  for (const spec of specs(legacy, stages)) {
    const fields = [
      ...SYSTEM_FIELDS.map((f) => makeField(spec.singular, f, true)),
      ...spec.fields.map((f) => makeField(spec.singular, f)),
    ];
    const isTarget = spec.singular === 'noteTarget' || spec.singular === 'taskTarget';
    if (legacy && isTarget) for (const f of fields) if (LEGACY_COLUMN[f.name]) f.column = LEGACY_COLUMN[f.name];
    const columns: ColumnDef[] = [];
    for (const field of fields) {
      if (isCompositeType(field.type)) {
        for (const sub of COMPOSITES[field.type]) {
          columns.push({ column: subColumn(field.name, sub.name), kind: sub.kind, field, sub });
        }
      } else {
        const kind: ScalarKind = field.type === 'POSITION' ? 'NUMBER' : (field.type as ScalarKind);
        columns.push({ column: field.column, kind, field });
      }
    }
    registry.set(spec.plural, {
      id: stableUuid(`object.${spec.singular}`),
      singular: spec.singular,
      plural: spec.plural,
      labelSingular: spec.labelSingular,
      labelPlural: spec.labelPlural,
      fields,
      fieldsByName: new Map(fields.map((f) => [f.name, f])),
      columns,
      columnsByName: new Map(columns.map((c) => [c.column, c])),
      manyToOne: fields.flatMap((f) => (f.relation ? [f.relation] : [])),
      oneToMany: spec.oneToMany.map(([name, target, fk]) => ({ name, target, fk })),
      readOnly: spec.readOnly ?? false,
    });
  }
  return registry;
}

/** The column behind a scalar field or a composite sub-field, or undefined. */
export function columnFor(def: ObjectDef, field: FieldDef, sub?: string): ColumnDef | undefined {
  if (isCompositeType(field.type)) {
    if (sub === undefined) return undefined;
    return def.columnsByName.get(subColumn(field.name, sub));
  }
  if (sub !== undefined) return undefined;
  return def.columnsByName.get(field.column);
}

/** Singular name → plural, for the "Did you mean" hint of §1. */
export function pluralOf(registry: ObjectRegistry, singular: string): string | undefined {
  for (const def of registry.values()) if (def.singular === singular) return def.plural;
  return undefined;
}
