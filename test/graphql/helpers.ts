/**
 * Shared pieces of the read-side GraphQL tests: run operations against a stack, read the truth
 * straight from the emulator's REST API, and the selections and expected shapes of every type.
 */
import { expect } from 'vitest';
import type { Stack } from '../support/stack.js';
import { fetchAll, type Rec } from '../emulator/helpers.js';

export type { Rec };

/** Runs an operation that must succeed and returns its data. */
export async function gql(stack: Stack, query: string, variables?: Record<string, unknown>): Promise<Rec> {
  const { status, body } = await stack.query(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return body.data as Rec;
}

/** Runs an operation that must fail; returns its errors. */
export async function gqlErrors(stack: Stack, query: string, variables?: Record<string, unknown>) {
  const { body } = await stack.query(query, variables);
  expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
  return body.errors!;
}

/** Every record of an object, read from the emulator (not through the BFF). */
export function restAll(stack: Stack, plural: string, params: Record<string, string> = {}): Promise<Rec[]> {
  return fetchAll(stack.emulator, plural, params);
}

/** The REST calls the BFF made during `run`, as `METHOD /path?query` strings. */
export async function callsDuring(stack: Stack, run: () => Promise<unknown>): Promise<Rec[]> {
  stack.resetCalls();
  await run();
  return stack.restCalls() as unknown as Rec[];
}

/** REST calls a batched read needs for `n` records: one per page (of 200 on current Twenty). */
export const pages = (n: number, size = 200): number => Math.max(1, Math.ceil(n / size));

export const isMetadata = (call: Rec): boolean => String(call.path).includes('/metadata/');

/** Calls per object, leaving out the workspace metadata (at most one, cached per token). */
export function perObject(calls: Rec[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) if (!isMetadata(call)) counts[call.object] = (counts[call.object] ?? 0) + 1;
  return counts;
}

export const nodes = (connection: Rec): Rec[] => connection.edges.map((e: Rec) => e.node);
export const idsOf = (records: Rec[]): string[] => records.map((r) => r.id as string);
export const sortedIds = (records: Rec[]): string[] => idsOf(records).sort();

// ---------------------------------------------------------------- selections of every field

const LINKS = '{ primaryLinkUrl primaryLinkLabel secondaryLinks { url label } }';
const MONEY = '{ amountMicros amount currencyCode }';
const ACTOR = '{ source workspaceMemberId name }';
const NAME = '{ firstName lastName displayName }';
const AUDIT = `createdAt updatedAt deletedAt createdBy ${ACTOR} updatedBy ${ACTOR} customFields`;
const RICH = '{ blocknote markdown }';

export const FIELDS = {
  Company: `id name domainName ${LINKS} employees linkedinLink ${LINKS} xLink ${LINKS}
    annualRecurringRevenue ${MONEY}
    address { addressStreet1 addressStreet2 addressCity addressState addressPostcode addressCountry addressLat addressLng }
    idealCustomerProfile position accountOwnerId ${AUDIT}`,
  Person: `id name ${NAME} emails { primaryEmail additionalEmails }
    phones { primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode additionalPhones { number countryCode callingCode } }
    jobTitle city avatarUrl linkedinLink ${LINKS} xLink ${LINKS} position companyId ${AUDIT}`,
  Opportunity: `id name amount ${MONEY} closeDate stage stageInfo { value label color position } position
    companyId pointOfContactId ownerId ${AUDIT}`,
  Note: `id title bodyV2 ${RICH} position ${AUDIT}`,
  Task: `id title bodyV2 ${RICH} dueAt status statusInfo { value label color position } position assigneeId ${AUDIT}`,
  WorkspaceMember: `id name ${NAME} userEmail avatarUrl locale timeZone createdAt updatedAt deletedAt customFields`,
};

// ---------------------------------------------------------------- expected shapes from REST records

const links = (v: Rec | null | undefined) =>
  v == null
    ? null
    : {
        primaryLinkUrl: v.primaryLinkUrl ?? null,
        primaryLinkLabel: v.primaryLinkLabel ?? null,
        secondaryLinks: v.secondaryLinks == null ? null : v.secondaryLinks.map((l: Rec) => ({ url: l.url ?? null, label: l.label ?? null })),
      };
const money = (v: Rec | null | undefined) =>
  v == null
    ? null
    : {
        amountMicros: v.amountMicros == null ? null : String(v.amountMicros),
        amount: v.amountMicros == null ? null : Number(v.amountMicros) / 1e6,
        currencyCode: v.currencyCode ?? null,
      };
const actor = (v: Rec | null | undefined) =>
  v == null ? null : { source: v.source ?? null, workspaceMemberId: v.workspaceMemberId ?? null, name: v.name ?? null };
const fullName = (v: Rec | null | undefined) =>
  v == null
    ? null
    : {
        firstName: v.firstName ?? null,
        lastName: v.lastName ?? null,
        displayName: [v.firstName, v.lastName].filter((p) => typeof p === 'string' && p.trim()).map((p) => p.trim()).join(' '),
      };
const rich = (v: Rec | null | undefined) => (v == null ? null : { blocknote: v.blocknote ?? null, markdown: v.markdown ?? null });
const audit = (r: Rec) => ({
  createdAt: r.createdAt ?? null,
  updatedAt: r.updatedAt ?? null,
  deletedAt: r.deletedAt ?? null,
  createdBy: actor(r.createdBy),
  updatedBy: actor(r.updatedBy),
  customFields: {},
});
const n = (v: unknown) => (v === undefined ? null : v);

/** Options as the emulator publishes them (`/rest/metadata/objects`). */
export type Options = Array<{ value: string; label: string; color: string | null; position: number }>;
const option = (options: Options, value: unknown) => {
  const o = options.find((x) => x.value === value);
  return o ? { value: o.value, label: o.label, color: o.color, position: o.position } : null;
};

export const EXPECTED = {
  Company: (r: Rec) => ({
    id: r.id,
    name: n(r.name),
    domainName: links(r.domainName),
    employees: n(r.employees),
    linkedinLink: links(r.linkedinLink),
    xLink: links(r.xLink),
    annualRecurringRevenue: money(r.annualRecurringRevenue),
    address: r.address == null ? null : Object.fromEntries(
      ['addressStreet1', 'addressStreet2', 'addressCity', 'addressState', 'addressPostcode', 'addressCountry', 'addressLat', 'addressLng'].map((k) => [k, n(r.address[k])]),
    ),
    idealCustomerProfile: n(r.idealCustomerProfile),
    position: n(r.position),
    accountOwnerId: n(r.accountOwnerId),
    ...audit(r),
  }),
  Person: (r: Rec) => ({
    id: r.id,
    name: fullName(r.name),
    emails: r.emails == null ? null : { primaryEmail: n(r.emails.primaryEmail), additionalEmails: n(r.emails.additionalEmails) },
    phones: r.phones == null ? null : {
      primaryPhoneNumber: n(r.phones.primaryPhoneNumber),
      primaryPhoneCountryCode: n(r.phones.primaryPhoneCountryCode),
      primaryPhoneCallingCode: n(r.phones.primaryPhoneCallingCode),
      additionalPhones: r.phones.additionalPhones == null ? null : r.phones.additionalPhones.map((p: Rec) => ({
        number: n(p.number), countryCode: n(p.countryCode), callingCode: n(p.callingCode),
      })),
    },
    jobTitle: n(r.jobTitle),
    city: n(r.city),
    avatarUrl: n(r.avatarUrl),
    linkedinLink: links(r.linkedinLink),
    xLink: links(r.xLink),
    position: n(r.position),
    companyId: n(r.companyId),
    ...audit(r),
  }),
  Opportunity: (r: Rec, stages: Options) => ({
    id: r.id,
    name: n(r.name),
    amount: money(r.amount),
    closeDate: n(r.closeDate),
    stage: n(r.stage),
    stageInfo: option(stages, r.stage),
    position: n(r.position),
    companyId: n(r.companyId),
    pointOfContactId: n(r.pointOfContactId),
    ownerId: n(r.ownerId),
    ...audit(r),
  }),
  Note: (r: Rec) => ({ id: r.id, title: n(r.title), bodyV2: rich(r.bodyV2), position: n(r.position), ...audit(r) }),
  Task: (r: Rec, statuses: Options) => ({
    id: r.id,
    title: n(r.title),
    bodyV2: rich(r.bodyV2),
    dueAt: n(r.dueAt),
    status: n(r.status),
    statusInfo: option(statuses, r.status),
    position: n(r.position),
    assigneeId: n(r.assigneeId),
    ...audit(r),
  }),
  WorkspaceMember: (r: Rec) => ({
    id: r.id,
    name: fullName(r.name),
    userEmail: n(r.userEmail),
    avatarUrl: n(r.avatarUrl),
    locale: n(r.locale),
    timeZone: n(r.timeZone),
    createdAt: n(r.createdAt),
    updatedAt: n(r.updatedAt),
    deletedAt: n(r.deletedAt),
    customFields: {},
  }),
};
