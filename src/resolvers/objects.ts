import type { FilterFields } from '../twenty/filter.js';
import type { ObjectPlural } from '../twenty/types.js';

/**
 * What the read side knows about each object (twenty-rest.md §10): the fields its GraphQL filter
 * exposes (keys are Twenty's field and sub-field names, so the filter input passes straight to
 * `buildFilter`), the Twenty path behind each `…OrderField` enum value, and every field name the
 * schema knows (the rest of a record is the workspace's custom fields).
 */
export interface ObjectSpec {
  plural: ObjectPlural;
  filterFields: FilterFields;
  /** `…OrderField` enum value → Twenty order path (§5: composites by sub-field). */
  orderFields: Record<string, string>;
  /** Fields the schema exposes or deliberately hides; anything else goes to `customFields`. */
  knownFields: ReadonlySet<string>;
}

const audit: FilterFields = {
  id: 'id',
  createdAt: 'datetime',
  updatedAt: 'datetime',
  deletedAt: 'datetime',
};
const auditOrder = { ID: 'id', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', DELETED_AT: 'deletedAt' };
// Returned by Twenty on every record but not filterable here.
const auditOnly = ['createdBy', 'updatedBy'];

const links = { primaryLinkUrl: 'string', primaryLinkLabel: 'string' } as const;
const money = { amountMicros: 'number', currencyCode: 'string' } as const;
const fullName = { firstName: 'string', lastName: 'string' } as const;

function spec(
  plural: ObjectPlural,
  filterFields: FilterFields,
  orderFields: Record<string, string>,
  // Known fields that are not filterable: output-only fields and one-to-many relations (§6 depth 1).
  otherKnown: string[],
): ObjectSpec {
  return {
    plural,
    filterFields: { ...audit, ...filterFields },
    orderFields: { ...auditOrder, ...orderFields },
    knownFields: new Set([...Object.keys(audit), ...Object.keys(filterFields), ...auditOnly, ...otherKnown]),
  };
}

export const companySpec = spec(
  'companies',
  {
    name: 'string',
    domainName: links,
    employees: 'number',
    linkedinLink: links,
    xLink: links,
    annualRecurringRevenue: money,
    address: {
      addressStreet1: 'string',
      addressStreet2: 'string',
      addressCity: 'string',
      addressState: 'string',
      addressPostcode: 'string',
      addressCountry: 'string',
      addressLat: 'number',
      addressLng: 'number',
    },
    idealCustomerProfile: 'boolean',
    position: 'number',
    accountOwnerId: 'id',
  },
  {
    NAME: 'name',
    DOMAIN_NAME_PRIMARY_LINK_URL: 'domainName.primaryLinkUrl',
    EMPLOYEES: 'employees',
    ANNUAL_RECURRING_REVENUE_AMOUNT_MICROS: 'annualRecurringRevenue.amountMicros',
    ANNUAL_RECURRING_REVENUE_CURRENCY_CODE: 'annualRecurringRevenue.currencyCode',
    ADDRESS_ADDRESS_CITY: 'address.addressCity',
    ADDRESS_ADDRESS_COUNTRY: 'address.addressCountry',
    IDEAL_CUSTOMER_PROFILE: 'idealCustomerProfile',
    POSITION: 'position',
    ACCOUNT_OWNER_ID: 'accountOwnerId',
  },
  ['accountOwner', 'people', 'opportunities', 'noteTargets', 'taskTargets'],
);

export const personSpec = spec(
  'people',
  {
    name: fullName,
    emails: { primaryEmail: 'string' },
    phones: { primaryPhoneNumber: 'string', primaryPhoneCountryCode: 'string', primaryPhoneCallingCode: 'string' },
    jobTitle: 'string',
    city: 'string',
    avatarUrl: 'string',
    linkedinLink: links,
    xLink: links,
    position: 'number',
    companyId: 'id',
  },
  {
    NAME_FIRST_NAME: 'name.firstName',
    NAME_LAST_NAME: 'name.lastName',
    EMAILS_PRIMARY_EMAIL: 'emails.primaryEmail',
    PHONES_PRIMARY_PHONE_NUMBER: 'phones.primaryPhoneNumber',
    JOB_TITLE: 'jobTitle',
    CITY: 'city',
    POSITION: 'position',
    COMPANY_ID: 'companyId',
  },
  ['company', 'pointOfContactForOpportunities', 'noteTargets', 'taskTargets'],
);

export const opportunitySpec = spec(
  'opportunities',
  {
    name: 'string',
    amount: money,
    closeDate: 'datetime',
    stage: 'enum',
    position: 'number',
    companyId: 'id',
    pointOfContactId: 'id',
    ownerId: 'id',
  },
  {
    NAME: 'name',
    AMOUNT_AMOUNT_MICROS: 'amount.amountMicros',
    AMOUNT_CURRENCY_CODE: 'amount.currencyCode',
    CLOSE_DATE: 'closeDate',
    STAGE: 'stage',
    POSITION: 'position',
    COMPANY_ID: 'companyId',
    POINT_OF_CONTACT_ID: 'pointOfContactId',
    OWNER_ID: 'ownerId',
  },
  ['company', 'pointOfContact', 'owner', 'noteTargets', 'taskTargets'],
);

export const noteSpec = spec(
  'notes',
  { title: 'string', bodyV2: { markdown: 'string' }, position: 'number' },
  { TITLE: 'title', POSITION: 'position' },
  ['noteTargets'],
);

export const taskSpec = spec(
  'tasks',
  {
    title: 'string',
    bodyV2: { markdown: 'string' },
    dueAt: 'datetime',
    status: 'enum',
    position: 'number',
    assigneeId: 'id',
  },
  { TITLE: 'title', DUE_AT: 'dueAt', STATUS: 'status', POSITION: 'position', ASSIGNEE_ID: 'assigneeId' },
  ['assignee', 'taskTargets'],
);

export const workspaceMemberSpec = spec(
  'workspaceMembers',
  { name: fullName, userEmail: 'string', locale: 'string', timeZone: 'string' },
  {
    NAME_FIRST_NAME: 'name.firstName',
    NAME_LAST_NAME: 'name.lastName',
    USER_EMAIL: 'userEmail',
    LOCALE: 'locale',
    TIME_ZONE: 'timeZone',
  },
  ['avatarUrl', 'assignedTasks', 'ownedOpportunities', 'accountOwnerForCompanies', 'colorScheme', 'userId'],
);
