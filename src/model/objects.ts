/**
 * The BFF's one table of Twenty objects (twenty-rest.md §10): fields with their filter kinds,
 * order paths and writability, relations with their foreign keys and depth-1 names (§6), and
 * the GraphQL names. Resolvers, loaders, the planner, the cost estimate and the mutations all
 * read it; `test/model/model.test.ts` checks it against the SDL field by field. (The emulator
 * keeps its own definition, as a second implementation should.)
 */
import { SINGULAR } from '../twenty/names.js';
import type { ObjectPlural } from '../twenty/types.js';
import type { FieldModel, ObjectModel, OneToManyRelation, RelationModel, ThroughTargetsRelation, ToOneRelation } from './types.js';

/** `pipeline` on a company, person or workspace member (schema/reports.graphql): a grouped report of its deals. */
const PIPELINE_REPORT = { reads: ['id'], report: true } as const;

// ---------------------------------------------------------------- building blocks

const LINKS = { primaryLinkUrl: 'string', primaryLinkLabel: 'string' } as const;
const MONEY = { amountMicros: 'number', currencyCode: 'string' } as const;
const FULL_NAME = { firstName: 'string', lastName: 'string' } as const;
const RICH_TEXT = { markdown: 'string' } as const;

/** id, timestamps and actors: every record has them (§10); `deletedAt` is orderable unless said. */
function audit(options: { orderDeletedAt?: boolean; actors?: boolean } = {}): FieldModel[] {
  return [
    { name: 'id', filter: 'id', order: ['id'] },
    { name: 'createdAt', filter: 'datetime', order: ['createdAt'] },
    { name: 'updatedAt', filter: 'datetime', order: ['updatedAt'] },
    { name: 'deletedAt', filter: 'datetime', order: options.orderDeletedAt === false ? [] : ['deletedAt'] },
    // Returned on every record; readable, not filterable here.
    { name: 'createdBy' },
    { name: 'updatedBy' },
  ];
}

const toOne = (name: string, target: ObjectPlural, foreignKey: string): ToOneRelation => ({
  kind: 'toOne',
  name,
  target,
  foreignKey,
  restName: name,
});

const oneToMany = (name: string, target: ObjectPlural, foreignKey: string, restName = name): OneToManyRelation => ({
  kind: 'oneToMany',
  name,
  target,
  foreignKey,
  restName,
});

/** A record's notes and tasks, reached through their target records (§10). */
function notesAndTasks(targetKind: ThroughTargetsRelation['targetKind']): ThroughTargetsRelation[] {
  return [
    { kind: 'throughTargets', name: 'notes', target: 'notes', via: 'noteTargets', ownerField: 'noteId', targetKind, restName: 'noteTargets' },
    { kind: 'throughTargets', name: 'tasks', target: 'tasks', via: 'taskTargets', ownerField: 'taskId', targetKind, restName: 'taskTargets' },
  ];
}

/** noteTarget / taskTarget: links to a company, person or opportunity under either field name (§10). */
function targetObject(plural: 'noteTargets' | 'taskTargets'): ObjectModel {
  const [owner, ownerTarget] = plural === 'noteTargets' ? (['note', 'notes'] as const) : (['task', 'tasks'] as const);
  const kinds = [
    ['company', 'companies', 'Company'],
    ['person', 'people', 'Person'],
    ['opportunity', 'opportunities', 'Opportunity'],
  ] as const;
  const relations: RelationModel[] = kinds.map(([kind, target, capital]) => ({
    kind: 'toOne',
    name: kind,
    target,
    foreignKey: `target${capital}Id`,
    restName: `target${capital}`,
    legacy: { foreignKey: `${kind}Id`, restName: kind },
  }));
  return {
    plural,
    singular: SINGULAR[plural],
    type: plural === 'noteTargets' ? 'NoteTarget' : 'TaskTarget',
    fields: [
      ...audit(),
      { name: `${owner}Id`, filter: 'id' },
      ...kinds.map(([, , capital]) => ({ name: `target${capital}Id`, filter: 'id' as const })),
    ],
    relations,
    // The GraphQL ids read either name; fields= is only honoured by current servers (§13).
    computed: Object.fromEntries(kinds.map(([kind, , capital]) => [`${kind}Id`, { reads: [`target${capital}Id`] }])),
    hidden: [owner, ownerTarget],
  };
}

// ---------------------------------------------------------------- the objects

export const COMPANY: ObjectModel = {
  plural: 'companies',
  singular: SINGULAR.companies,
  type: 'Company',
  fields: [
    ...audit(),
    { name: 'name', filter: 'string', order: ['name'], write: 'value' },
    { name: 'domainName', filter: LINKS, order: ['domainName.primaryLinkUrl'], write: 'composite' },
    { name: 'employees', filter: 'number', order: ['employees'], write: 'value' },
    { name: 'linkedinLink', filter: LINKS, write: 'composite' },
    { name: 'xLink', filter: LINKS, write: 'composite' },
    {
      name: 'annualRecurringRevenue',
      filter: MONEY,
      order: ['annualRecurringRevenue.amountMicros', 'annualRecurringRevenue.currencyCode'],
      write: 'money',
    },
    {
      name: 'address',
      filter: {
        addressStreet1: 'string',
        addressStreet2: 'string',
        addressCity: 'string',
        addressState: 'string',
        addressPostcode: 'string',
        addressCountry: 'string',
        addressLat: 'number',
        addressLng: 'number',
      },
      order: ['address.addressCity', 'address.addressCountry'],
      write: 'composite',
    },
    { name: 'idealCustomerProfile', filter: 'boolean', order: ['idealCustomerProfile'], write: 'value' },
    { name: 'position', filter: 'number', order: ['position'], write: 'value' },
    { name: 'accountOwnerId', filter: 'id', order: ['accountOwnerId'], write: 'id' },
  ],
  relations: [
    toOne('accountOwner', 'workspaceMembers', 'accountOwnerId'),
    oneToMany('people', 'people', 'companyId'),
    oneToMany('opportunities', 'opportunities', 'companyId'),
    ...notesAndTasks('company'),
  ],
  computed: { customFields: { reads: ['*'] }, pipeline: PIPELINE_REPORT },
  hidden: [],
  writable: { type: 'Company', typePlural: 'Companies' },
};

export const PERSON: ObjectModel = {
  plural: 'people',
  singular: SINGULAR.people,
  type: 'Person',
  fields: [
    ...audit(),
    { name: 'name', filter: FULL_NAME, order: ['name.firstName', 'name.lastName'], write: 'composite' },
    { name: 'emails', filter: { primaryEmail: 'string' }, order: ['emails.primaryEmail'], write: 'composite' },
    {
      name: 'phones',
      filter: { primaryPhoneNumber: 'string', primaryPhoneCountryCode: 'string', primaryPhoneCallingCode: 'string' },
      order: ['phones.primaryPhoneNumber'],
      write: 'composite',
    },
    { name: 'jobTitle', filter: 'string', order: ['jobTitle'], write: 'value' },
    { name: 'city', filter: 'string', order: ['city'], write: 'value' },
    { name: 'avatarUrl', filter: 'string', write: 'value' },
    { name: 'linkedinLink', filter: LINKS, write: 'composite' },
    { name: 'xLink', filter: LINKS, write: 'composite' },
    { name: 'position', filter: 'number', order: ['position'], write: 'value' },
    { name: 'companyId', filter: 'id', order: ['companyId'], write: 'id' },
  ],
  relations: [
    toOne('company', 'companies', 'companyId'),
    oneToMany('opportunities', 'opportunities', 'pointOfContactId', 'pointOfContactForOpportunities'),
    ...notesAndTasks('person'),
  ],
  computed: { customFields: { reads: ['*'] }, pipeline: PIPELINE_REPORT },
  hidden: [],
  writable: { type: 'Person', typePlural: 'People' },
};

export const OPPORTUNITY: ObjectModel = {
  plural: 'opportunities',
  singular: SINGULAR.opportunities,
  type: 'Opportunity',
  fields: [
    ...audit(),
    { name: 'name', filter: 'string', order: ['name'], write: 'value' },
    { name: 'amount', filter: MONEY, order: ['amount.amountMicros', 'amount.currencyCode'], write: 'money' },
    { name: 'closeDate', filter: 'datetime', order: ['closeDate'], write: 'value' },
    { name: 'stage', filter: 'enum', order: ['stage'], write: 'select' },
    { name: 'position', filter: 'number', order: ['position'], write: 'value' },
    { name: 'companyId', filter: 'id', order: ['companyId'], write: 'id' },
    { name: 'pointOfContactId', filter: 'id', order: ['pointOfContactId'], write: 'id' },
    { name: 'ownerId', filter: 'id', order: ['ownerId'], write: 'id' },
  ],
  relations: [
    toOne('company', 'companies', 'companyId'),
    toOne('pointOfContact', 'people', 'pointOfContactId'),
    toOne('owner', 'workspaceMembers', 'ownerId'),
    ...notesAndTasks('opportunity'),
  ],
  computed: { customFields: { reads: ['*'] }, stageInfo: { reads: ['stage'], metadata: true } },
  hidden: [],
  writable: { type: 'Opportunity', typePlural: 'Opportunities' },
};

export const NOTE: ObjectModel = {
  plural: 'notes',
  singular: SINGULAR.notes,
  type: 'Note',
  fields: [
    ...audit(),
    { name: 'title', filter: 'string', order: ['title'], write: 'value' },
    { name: 'bodyV2', filter: RICH_TEXT, write: 'composite' },
    { name: 'position', filter: 'number', order: ['position'], write: 'value' },
  ],
  relations: [{ ...oneToMany('targets', 'noteTargets', 'noteId', 'noteTargets'), list: true }],
  computed: { customFields: { reads: ['*'] } },
  hidden: [],
  writable: { type: 'Note', typePlural: 'Notes', targets: { object: 'noteTargets', parentKey: 'noteId' } },
};

export const TASK: ObjectModel = {
  plural: 'tasks',
  singular: SINGULAR.tasks,
  type: 'Task',
  fields: [
    ...audit(),
    { name: 'title', filter: 'string', order: ['title'], write: 'value' },
    { name: 'bodyV2', filter: RICH_TEXT, write: 'composite' },
    { name: 'dueAt', filter: 'datetime', order: ['dueAt'], write: 'value' },
    { name: 'status', filter: 'enum', order: ['status'], write: 'select' },
    { name: 'position', filter: 'number', order: ['position'], write: 'value' },
    { name: 'assigneeId', filter: 'id', order: ['assigneeId'], write: 'id' },
  ],
  relations: [
    toOne('assignee', 'workspaceMembers', 'assigneeId'),
    { ...oneToMany('targets', 'taskTargets', 'taskId', 'taskTargets'), list: true },
  ],
  computed: { customFields: { reads: ['*'] }, statusInfo: { reads: ['status'], metadata: true } },
  hidden: [],
  writable: { type: 'Task', typePlural: 'Tasks', targets: { object: 'taskTargets', parentKey: 'taskId' } },
};

export const WORKSPACE_MEMBER: ObjectModel = {
  plural: 'workspaceMembers',
  singular: SINGULAR.workspaceMembers,
  type: 'WorkspaceMember',
  fields: [
    ...audit({ orderDeletedAt: false }),
    { name: 'name', filter: FULL_NAME, order: ['name.firstName', 'name.lastName'] },
    { name: 'userEmail', filter: 'string', order: ['userEmail'] },
    { name: 'avatarUrl' },
    { name: 'locale', filter: 'string', order: ['locale'] },
    { name: 'timeZone', filter: 'string', order: ['timeZone'] },
  ],
  relations: [
    oneToMany('assignedTasks', 'tasks', 'assigneeId'),
    oneToMany('ownedOpportunities', 'opportunities', 'ownerId'),
    oneToMany('accountOwnerForCompanies', 'companies', 'accountOwnerId'),
  ],
  computed: { customFields: { reads: ['*'] }, pipeline: PIPELINE_REPORT },
  hidden: ['colorScheme', 'userId'],
};

export const NOTE_TARGET = targetObject('noteTargets');
export const TASK_TARGET = targetObject('taskTargets');

/** Every object, in a fixed order. */
export const OBJECTS: readonly ObjectModel[] = [COMPANY, PERSON, OPPORTUNITY, NOTE, TASK, WORKSPACE_MEMBER, NOTE_TARGET, TASK_TARGET];
