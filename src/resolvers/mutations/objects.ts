import type { ObjectPlural } from '../../twenty/types.js';

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
export type FieldKind = 'value' | 'id' | 'select' | 'money' | 'composite';

/** Where a note or task is linked through its join object (§10 noteTarget / taskTarget). */
export interface TargetsSpec {
  object: 'noteTargets' | 'taskTargets';
  /** The join record's key pointing back at the note or task. */
  parentKey: 'noteId' | 'taskId';
}

/** Everything the generic mutation code needs to know about one writable object. */
export interface WritableObject {
  /** GraphQL type name, used to build the mutation names (`createCompany`). */
  type: 'Company' | 'Person' | 'Opportunity' | 'Note' | 'Task';
  /** Plural used in `createCompanies` etc. */
  typePlural: 'Companies' | 'People' | 'Opportunities' | 'Notes' | 'Tasks';
  /** REST plural (§1). */
  plural: ObjectPlural;
  fields: Record<string, FieldKind>;
  targets?: TargetsSpec;
}

const RICH_TEXT: Record<string, FieldKind> = { title: 'value', bodyV2: 'composite' };

// The five objects the BFF writes, one row each: the whole per-object knowledge of mutations.
// `as const satisfies` keeps the literal type names, so index.ts can check at compile time that
// every mutation of the SDL gets a resolver.

export const COMPANY = {
  type: 'Company',
  typePlural: 'Companies',
  plural: 'companies',
  fields: {
    name: 'value',
    domainName: 'composite',
    employees: 'value',
    linkedinLink: 'composite',
    xLink: 'composite',
    annualRecurringRevenue: 'money',
    address: 'composite',
    idealCustomerProfile: 'value',
    position: 'value',
    accountOwnerId: 'id',
  },
} as const satisfies WritableObject;

export const PERSON = {
  type: 'Person',
  typePlural: 'People',
  plural: 'people',
  fields: {
    name: 'composite',
    emails: 'composite',
    phones: 'composite',
    jobTitle: 'value',
    city: 'value',
    avatarUrl: 'value',
    linkedinLink: 'composite',
    xLink: 'composite',
    position: 'value',
    companyId: 'id',
  },
} as const satisfies WritableObject;

export const OPPORTUNITY = {
  type: 'Opportunity',
  typePlural: 'Opportunities',
  plural: 'opportunities',
  fields: {
    name: 'value',
    amount: 'money',
    closeDate: 'value',
    stage: 'select',
    position: 'value',
    companyId: 'id',
    pointOfContactId: 'id',
    ownerId: 'id',
  },
} as const satisfies WritableObject;

export const NOTE = {
  type: 'Note',
  typePlural: 'Notes',
  plural: 'notes',
  fields: { ...RICH_TEXT, position: 'value' },
  targets: { object: 'noteTargets', parentKey: 'noteId' },
} as const satisfies WritableObject;

export const TASK = {
  type: 'Task',
  typePlural: 'Tasks',
  plural: 'tasks',
  fields: { ...RICH_TEXT, dueAt: 'value', status: 'select', position: 'value', assigneeId: 'id' },
  targets: { object: 'taskTargets', parentKey: 'taskId' },
} as const satisfies WritableObject;

export const WRITABLE_OBJECTS: readonly WritableObject[] = [COMPANY, PERSON, OPPORTUNITY, NOTE, TASK];
