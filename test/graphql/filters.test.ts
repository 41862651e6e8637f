/**
 * Every filter operator on scalar fields, composite sub-fields and foreign keys, and their
 * and/or/not combinations: the BFF's answer must equal the one computed here from all records.
 * Comparisons follow SQL: a comparison with a null value selects nothing, even under `neq`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createOne, rest } from '../emulator/helpers.js';
import { gql, gqlErrors, nodes, restAll, sortedIds, type Rec } from './helpers.js';

let stack: Stack;
const all: Record<string, Rec[]> = {};

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 40 } });
  // The demo fills every field; these give null, empty and odd values to compare against. Their
  // ids sort last, so `nth(…)` (by id order) never picks them as the value a case filters on.
  await createOne(stack.emulator, 'companies', {
    id: 'ffffffff-0000-4000-8000-000000000001',
    name: 'Nullable Co',
    annualRecurringRevenue: { currencyCode: 'EUR', amountMicros: 5_000_000 },
  });
  await createOne(stack.emulator, 'people', {
    id: 'ffffffff-0000-4000-8000-000000000002',
    name: { firstName: 'Nadia', lastName: 'Null' },
    phones: { primaryPhoneCountryCode: 'FR' },
  });
  for (const plural of ['companies', 'people', 'opportunities', 'tasks', 'notes', 'workspaceMembers']) {
    all[plural] = await restAll(stack, plural);
  }
});

afterAll(async () => {
  await stack?.close();
});

const TYPES: Record<string, string> = {
  companies: 'CompanyFilter',
  people: 'PersonFilter',
  opportunities: 'OpportunityFilter',
  tasks: 'TaskFilter',
  notes: 'NoteFilter',
  workspaceMembers: 'WorkspaceMemberFilter',
};

async function filtered(plural: string, filter: Rec): Promise<{ ids: string[]; totalCount: number }> {
  const data = await gql(
    stack,
    `query ($filter: ${TYPES[plural]}) { ${plural}(first: 1000, filter: $filter) { totalCount edges { node { id } } } }`,
    { filter },
  );
  return { ids: sortedIds(nodes(data[plural])), totalCount: data[plural].totalCount };
}

const defined = (v: unknown): boolean => v !== null && v !== undefined;
const lower = (v: unknown) => String(v).toLowerCase();
const cmp = (a: unknown, b: unknown) => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};
const micros = (v: unknown) => (defined(v) ? BigInt(String(v)) : null);

interface Case {
  title: string;
  plural: string;
  filter: () => Rec;
  matches: (r: Rec) => boolean;
}

/** A value from the data, so each case selects some records and not others. */
const nth = (plural: string, i: number) => all[plural][i % all[plural].length];
const midEmployees = (): number => all.companies.map((c) => c.employees as number).filter(defined).sort((a, b) => a - b)[10];
const midName = (): string => [...all.companies.map((c) => c.name)].sort()[15];
const midCreated = (): string => [...all.companies.map((c) => c.createdAt)].sort()[20];
const midMicros = (): bigint =>
  [...all.opportunities.map((o) => o.amount?.amountMicros).filter(defined).map((v) => BigInt(String(v)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  )[5];

const cases: Case[] = [
  // string scalar
  { title: 'name eq', plural: 'companies', filter: () => ({ name: { eq: nth('companies', 3).name } }), matches: (r) => r.name === nth('companies', 3).name },
  { title: 'name neq', plural: 'companies', filter: () => ({ name: { neq: nth('companies', 3).name } }), matches: (r) => defined(r.name) && r.name !== nth('companies', 3).name },
  { title: 'name in', plural: 'companies', filter: () => ({ name: { in: [nth('companies', 1).name, nth('companies', 7).name, 'No Such Co'] } }), matches: (r) => [nth('companies', 1).name, nth('companies', 7).name].includes(r.name) },
  { title: 'name gt', plural: 'companies', filter: () => ({ name: { gt: midName() } }), matches: (r) => defined(r.name) && cmp(r.name, midName()) > 0 },
  { title: 'name gte', plural: 'companies', filter: () => ({ name: { gte: midName() } }), matches: (r) => defined(r.name) && cmp(r.name, midName()) >= 0 },
  { title: 'name lt', plural: 'companies', filter: () => ({ name: { lt: midName() } }), matches: (r) => defined(r.name) && cmp(r.name, midName()) < 0 },
  { title: 'name lte', plural: 'companies', filter: () => ({ name: { lte: midName() } }), matches: (r) => defined(r.name) && cmp(r.name, midName()) <= 0 },
  { title: 'name contains, ignoring case', plural: 'companies', filter: () => ({ name: { contains: nth('companies', 5).name.slice(1, 4).toUpperCase() } }), matches: (r) => lower(r.name).includes(lower(nth('companies', 5).name.slice(1, 4))) },
  { title: 'name startsWith, ignoring case', plural: 'companies', filter: () => ({ name: { startsWith: nth('companies', 2).name.slice(0, 1).toLowerCase() } }), matches: (r) => lower(r.name).startsWith(lower(nth('companies', 2).name.slice(0, 1))) },
  { title: 'name endsWith, ignoring case', plural: 'companies', filter: () => ({ name: { endsWith: nth('companies', 4).name.slice(-2).toUpperCase() } }), matches: (r) => lower(r.name).endsWith(lower(nth('companies', 4).name.slice(-2))) },
  { title: 'jobTitle neq empty', plural: 'people', filter: () => ({ jobTitle: { neq: '' } }), matches: (r) => defined(r.jobTitle) && r.jobTitle !== '' },
  { title: 'companyId isNull true (FK)', plural: 'people', filter: () => ({ companyId: { isNull: true } }), matches: (r) => !defined(r.companyId) },
  // number scalar
  { title: 'employees eq', plural: 'companies', filter: () => ({ employees: { eq: midEmployees() } }), matches: (r) => r.employees === midEmployees() },
  { title: 'employees neq', plural: 'companies', filter: () => ({ employees: { neq: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees !== midEmployees() },
  { title: 'employees in', plural: 'companies', filter: () => ({ employees: { in: [nth('companies', 0).employees ?? 1, nth('companies', 9).employees ?? 2] } }), matches: (r) => [nth('companies', 0).employees ?? 1, nth('companies', 9).employees ?? 2].includes(r.employees) },
  { title: 'employees gt', plural: 'companies', filter: () => ({ employees: { gt: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees > midEmployees() },
  { title: 'employees gte', plural: 'companies', filter: () => ({ employees: { gte: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees >= midEmployees() },
  { title: 'employees lt', plural: 'companies', filter: () => ({ employees: { lt: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees < midEmployees() },
  { title: 'employees lte', plural: 'companies', filter: () => ({ employees: { lte: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees <= midEmployees() },
  { title: 'employees isNull true', plural: 'companies', filter: () => ({ employees: { isNull: true } }), matches: (r) => !defined(r.employees) },
  // boolean and datetime
  { title: 'idealCustomerProfile eq', plural: 'companies', filter: () => ({ idealCustomerProfile: { eq: true } }), matches: (r) => r.idealCustomerProfile === true },
  { title: 'idealCustomerProfile neq', plural: 'companies', filter: () => ({ idealCustomerProfile: { neq: true } }), matches: (r) => r.idealCustomerProfile === false },
  { title: 'createdAt gt', plural: 'companies', filter: () => ({ createdAt: { gt: midCreated() } }), matches: (r) => Date.parse(r.createdAt) > Date.parse(midCreated()) },
  { title: 'createdAt lte', plural: 'companies', filter: () => ({ createdAt: { lte: midCreated() } }), matches: (r) => Date.parse(r.createdAt) <= Date.parse(midCreated()) },
  { title: 'closeDate between gte and lt', plural: 'opportunities', filter: () => ({ closeDate: { gte: '2026-01-01T00:00:00.000Z', lt: '2026-07-01T00:00:00.000Z' } }), matches: (r) => defined(r.closeDate) && Date.parse(r.closeDate) >= Date.parse('2026-01-01T00:00:00.000Z') && Date.parse(r.closeDate) < Date.parse('2026-07-01T00:00:00.000Z') },
  { title: 'id in', plural: 'people', filter: () => ({ id: { in: [nth('people', 0).id, nth('people', 5).id] } }), matches: (r) => [nth('people', 0).id, nth('people', 5).id].includes(r.id) },
  // composite sub-fields
  { title: 'name.firstName contains (FullName)', plural: 'people', filter: () => ({ name: { firstName: { contains: nth('people', 3).name.firstName.slice(0, 3) } } }), matches: (r) => lower(r.name?.firstName).includes(lower(nth('people', 3).name.firstName.slice(0, 3))) },
  { title: 'name.lastName eq (FullName)', plural: 'people', filter: () => ({ name: { lastName: { eq: nth('people', 8).name.lastName } } }), matches: (r) => r.name?.lastName === nth('people', 8).name.lastName },
  { title: 'emails.primaryEmail endsWith (Emails)', plural: 'people', filter: () => ({ emails: { primaryEmail: { endsWith: nth('people', 2).emails.primaryEmail.split('@')[1] } } }), matches: (r) => lower(r.emails?.primaryEmail).endsWith(lower(nth('people', 2).emails.primaryEmail.split('@')[1])) },
  { title: 'domainName.primaryLinkUrl startsWith (Links)', plural: 'companies', filter: () => ({ domainName: { primaryLinkUrl: { startsWith: nth('companies', 6).domainName.primaryLinkUrl.slice(0, 12) } } }), matches: (r) => lower(r.domainName?.primaryLinkUrl).startsWith(lower(nth('companies', 6).domainName.primaryLinkUrl.slice(0, 12))) },
  { title: 'address.addressCity in (Address)', plural: 'companies', filter: () => ({ address: { addressCity: { in: [nth('companies', 1).address.addressCity, nth('companies', 2).address.addressCity] } } }), matches: (r) => [nth('companies', 1).address.addressCity, nth('companies', 2).address.addressCity].includes(r.address?.addressCity) },
  { title: 'amount.amountMicros gt (Money, BigInt as string)', plural: 'opportunities', filter: () => ({ amount: { amountMicros: { gt: String(midMicros()) } } }), matches: (r) => micros(r.amount?.amountMicros) !== null && micros(r.amount?.amountMicros)! > midMicros() },
  { title: 'amount.amountMicros lte (Money, BigInt as integer)', plural: 'opportunities', filter: () => ({ amount: { amountMicros: { lte: Number(midMicros()) } } }), matches: (r) => micros(r.amount?.amountMicros) !== null && micros(r.amount?.amountMicros)! <= midMicros() },
  { title: 'annualRecurringRevenue.currencyCode eq (Money)', plural: 'companies', filter: () => ({ annualRecurringRevenue: { currencyCode: { eq: 'USD' } } }), matches: (r) => r.annualRecurringRevenue?.currencyCode === 'USD' },
  { title: 'phones.primaryPhoneCountryCode neq (Phones)', plural: 'people', filter: () => ({ phones: { primaryPhoneCountryCode: { neq: nth('people', 0).phones.primaryPhoneCountryCode } } }), matches: (r) => defined(r.phones?.primaryPhoneCountryCode) && r.phones.primaryPhoneCountryCode !== nth('people', 0).phones.primaryPhoneCountryCode },
  { title: 'userEmail contains on workspace members', plural: 'workspaceMembers', filter: () => ({ userEmail: { contains: nth('workspaceMembers', 1).userEmail.slice(0, 4) } }), matches: (r) => lower(r.userEmail).includes(lower(nth('workspaceMembers', 1).userEmail.slice(0, 4))) },
  { title: 'title startsWith on notes', plural: 'notes', filter: () => ({ title: { startsWith: nth('notes', 1).title.slice(0, 5) } }), matches: (r) => lower(r.title).startsWith(lower(nth('notes', 1).title.slice(0, 5))) },
  // foreign keys and selects
  { title: 'companyId eq (FK)', plural: 'people', filter: () => ({ companyId: { eq: nth('people', 4).companyId } }), matches: (r) => r.companyId === nth('people', 4).companyId },
  { title: 'companyId in (FK)', plural: 'opportunities', filter: () => ({ companyId: { in: [nth('companies', 0).id, nth('companies', 1).id] } }), matches: (r) => [nth('companies', 0).id, nth('companies', 1).id].includes(r.companyId) },
  { title: 'pointOfContactId isNull true (FK)', plural: 'opportunities', filter: () => ({ pointOfContactId: { isNull: true } }), matches: (r) => !defined(r.pointOfContactId) },
  { title: 'accountOwnerId neq (FK)', plural: 'companies', filter: () => ({ accountOwnerId: { neq: nth('workspaceMembers', 0).id } }), matches: (r) => defined(r.accountOwnerId) && r.accountOwnerId !== nth('workspaceMembers', 0).id },
  { title: 'assigneeId isNull false (FK)', plural: 'tasks', filter: () => ({ assigneeId: { isNull: false } }), matches: (r) => defined(r.assigneeId) },
  { title: 'stage eq (select)', plural: 'opportunities', filter: () => ({ stage: { eq: 'MEETING' } }), matches: (r) => r.stage === 'MEETING' },
  { title: 'stage in (select)', plural: 'opportunities', filter: () => ({ stage: { in: ['NEW', 'CUSTOMER'] } }), matches: (r) => ['NEW', 'CUSTOMER'].includes(r.stage) },
  { title: 'status neq (select)', plural: 'tasks', filter: () => ({ status: { neq: 'DONE' } }), matches: (r) => defined(r.status) && r.status !== 'DONE' },
  // combinations
  { title: 'two fields at one level mean and', plural: 'companies', filter: () => ({ employees: { gt: midEmployees() }, idealCustomerProfile: { eq: false } }), matches: (r) => defined(r.employees) && r.employees > midEmployees() && r.idealCustomerProfile === false },
  { title: 'two operators on one field mean and', plural: 'companies', filter: () => ({ employees: { gt: 10, lte: midEmployees() } }), matches: (r) => defined(r.employees) && r.employees > 10 && r.employees <= midEmployees() },
  { title: 'or', plural: 'opportunities', filter: () => ({ or: [{ stage: { eq: 'NEW' } }, { amount: { amountMicros: { gt: String(midMicros()) } } }] }), matches: (r) => r.stage === 'NEW' || (micros(r.amount?.amountMicros) !== null && micros(r.amount?.amountMicros)! > midMicros()) },
  { title: 'and', plural: 'people', filter: () => ({ and: [{ companyId: { isNull: false } }, { city: { eq: nth('people', 1).city } }] }), matches: (r) => defined(r.companyId) && r.city === nth('people', 1).city },
  { title: 'not', plural: 'opportunities', filter: () => ({ not: { stage: { in: ['NEW', 'SCREENING'] } } }), matches: (r) => defined(r.stage) && !['NEW', 'SCREENING'].includes(r.stage) },
  {
    title: 'nested and/or/not',
    plural: 'companies',
    filter: () => ({ or: [{ and: [{ employees: { lt: midEmployees() } }, { not: { idealCustomerProfile: { eq: true } } }] }, { name: { eq: nth('companies', 0).name } }] }),
    matches: (r) => (defined(r.employees) && r.employees < midEmployees() && r.idealCustomerProfile !== true) || r.name === nth('companies', 0).name,
  },
  { title: 'empty in selects nothing', plural: 'companies', filter: () => ({ name: { in: [] } }), matches: () => false },
];

describe('filters', () => {
  it.each(cases)('$title selects exactly the matching $plural', async ({ plural, filter, matches }) => {
    const expected = all[plural].filter(matches);
    const result = await filtered(plural, filter());
    expect(result.ids).toEqual(sortedIds(expected));
    expect(result.totalCount).toBe(expected.length);
  });

  it('every case above selects some records and leaves out others', () => {
    const trivial = cases
      .filter((c) => !c.title.includes('empty in'))
      .filter((c) => {
        const n = all[c.plural].filter(c.matches).length;
        return n === 0 || n === all[c.plural].length;
      })
      .map((c) => c.title);
    expect(trivial).toEqual([]);
  });

  it('applies a filter to a nested connection per parent', async () => {
    const data = await gql(
      stack,
      `{ companies(first: 1000) { edges { node { id opportunities(filter: { stage: { eq: "MEETING" } }) { totalCount edges { node { id } } } } } } }`,
    );
    for (const company of nodes(data.companies)) {
      const expected = all.opportunities.filter((o) => o.companyId === company.id && o.stage === 'MEETING');
      expect(sortedIds(nodes(company.opportunities))).toEqual(sortedIds(expected));
      expect(company.opportunities.totalCount).toBe(expected.length);
    }
  });

  it('filters notes reached through targets', async () => {
    const data = await gql(
      stack,
      `query ($t: String!) { companies(first: 1000) { edges { node { notes { edges { node { id title } } } filtered: notes(filter: { title: { contains: $t } }) { edges { node { id title } } } } } } }`,
      { t: nth('notes', 0).title.slice(0, 4) },
    );
    const needle = lower(nth('notes', 0).title.slice(0, 4));
    let kept = 0;
    for (const company of nodes(data.companies)) {
      const expected = nodes(company.notes).filter((n) => lower(n.title).includes(needle));
      expect(nodes(company.filtered)).toEqual(expected);
      kept += expected.length;
    }
    expect(kept).toBeGreaterThan(0);
  });

  it('shows soft-deleted records only when the filter mentions deletedAt', async () => {
    const victim = nth('companies', 11);
    const res = await rest(stack.emulator, `/rest/companies/${victim.id}?soft_delete=true`, { method: 'DELETE' });
    expect(res.status, res.text).toBe(200);
    const plain = await filtered('companies', { id: { eq: victim.id } });
    expect(plain.ids).toEqual([]);
    const deleted = await filtered('companies', { deletedAt: { isNull: false } });
    expect(deleted.ids).toEqual([victim.id]);
  });

  it('refuses an operator the field type does not have with BAD_USER_INPUT', async () => {
    const errors = await gqlErrors(stack, '{ opportunities(filter: { stage: { contains: "NEW" } }) { totalCount } }');
    // SelectFilter has no `contains`: the schema rejects it before any REST call.
    expect(errors[0].message).toMatch(/contains/);
  });

  it('refuses a malformed id value with BAD_USER_INPUT', async () => {
    const errors = await gqlErrors(stack, '{ people(filter: { companyId: { eq: "not-a-uuid" } }) { totalCount } }');
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
