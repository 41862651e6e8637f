/**
 * The five screens of a CRM app the planner was built for, on the demo data: each at the floor
 * of REST calls and round trips a hand-written REST plan reaches, estimated exactly before it
 * runs, and never worse than plain batching (QUERY_PLANNER=off).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll } from '../emulator/helpers.js';
import { callNames, startPlanners, type Planners } from './helpers.js';

const STAGES = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'];

export const SCREENS = {
  'a. companies table: 60 companies, account owner, counts of people and deals': `{
    companies(first: 60, orderBy: [{ field: NAME }]) { totalCount edges { node { id name
      accountOwner { name { displayName } } people { totalCount } opportunities { totalCount } } } } }`,
  'b. company page: one company, its people, deals with contacts, notes, tasks': `query ($company: ID!) {
    company(id: $company) { name domainName { primaryLinkUrl } accountOwner { name { displayName } }
      people { edges { node { name { displayName } jobTitle emails { primaryEmail } } } }
      opportunities { edges { node { name stage amount { amount currencyCode } pointOfContact { name { displayName } } } } }
      notes { edges { node { title } } }
      tasks { edges { node { title status dueAt } } } } }`,
  'c. opportunities board: per stage, first 20 deals with company and contact, the stage\'s count': `{ ${STAGES.map(
    (stage) => `${stage.toLowerCase()}: opportunities(first: 20, filter: { stage: { eq: "${stage}" } }, orderBy: [{ field: CLOSE_DATE }]) {
      totalCount edges { node { name amount { amount currencyCode } closeDate company { name } pointOfContact { name { displayName } } } } }`,
  ).join('\n')} }`,
  'd. person search by name or email': `query ($q: String!) {
    people(first: 10, filter: { or: [{ name: { firstName: { startsWith: $q } } }, { name: { lastName: { startsWith: $q } } },
      { emails: { primaryEmail: { startsWith: $q } } }] }) {
      totalCount edges { node { id name { displayName } jobTitle emails { primaryEmail } company { name } } } } }`,
  'e. 60 companies with owner, people, deals and their contacts': `{
    companies(first: 60) { edges { node { name accountOwner { name { displayName } }
      people { edges { node { name { displayName } } } }
      opportunities { edges { node { name amount { amount } pointOfContact { name { displayName } } } } } } } } }`,
};

/** Calls and round trips of each screen with the planner. */
const FLOOR: Record<keyof typeof SCREENS, { calls: number; roundTrips: number }> = {
  'a. companies table: 60 companies, account owner, counts of people and deals': { calls: 1, roundTrips: 1 },
  'b. company page: one company, its people, deals with contacts, notes, tasks': { calls: 4, roundTrips: 1 },
  'c. opportunities board: per stage, first 20 deals with company and contact, the stage\'s count': { calls: 5, roundTrips: 1 },
  'd. person search by name or email': { calls: 1, roundTrips: 1 },
  'e. 60 companies with owner, people, deals and their contacts': { calls: 1, roundTrips: 1 },
};

let planners: Planners;
let variables: Record<string, unknown>;

beforeAll(async () => {
  planners = await startPlanners(['on', 'off'], { emulator: { companies: 200 } });
  const companies = await fetchAll(planners.emulator, 'companies');
  const withNotes = new Set((await fetchAll(planners.emulator, 'noteTargets')).map((t) => t.targetCompanyId));
  variables = { company: companies.find((c) => withNotes.has(c.id))!.id, q: 'a' };
  await planners.run('on', '{ opportunities(first: 1) { edges { node { stageInfo { label } } } } }'); // metadata, cached per key
}, 60_000);

afterAll(async () => {
  await planners?.close();
});

describe.each(Object.entries(SCREENS))('%s', (name, query) => {
  it('costs the floor of calls and round trips, as estimated before it ran, and no more than plain batching', async () => {
    const on = await planners.run('on', query, variables);
    const off = await planners.run('off', query, variables);
    expect(on.body.errors, JSON.stringify(on.body.errors)).toBeUndefined();
    expect(on.body.data).toEqual(off.body.data);
    expect({ calls: on.calls.length, roundTrips: on.cost.roundTrips }).toEqual(FLOOR[name as keyof typeof SCREENS]);
    // Screen e's estimate keeps one call for contacts that are not among the companies' people;
    // in the demo data every contact is, and is served from the request's cache.
    expect(on.cost.estimatedCalls).toBe(on.cost.calls + (name.startsWith('e.') ? 1 : 0));
    expect(on.cost.estimatedRoundTrips).toBe(on.cost.roundTrips + (name.startsWith('e.') ? 1 : 0));
    expect(on.calls.length).toBeLessThanOrEqual(off.calls.length);
    expect(on.cost.roundTrips).toBeLessThanOrEqual(off.cost.roundTrips);
  });
});

it('serves the company page in one round trip: the record with its people, its deals (contacts nested), notes and tasks in their targets', async () => {
  const on = await planners.run('on', SCREENS['b. company page: one company, its people, deals with contacts, notes, tasks'], variables);
  expect(callNames(on).sort()).toEqual(['GET /rest/companies', 'GET /rest/noteTargets', 'GET /rest/opportunities', 'GET /rest/taskTargets']);
  expect(on.calls.find((c) => c.object === 'companies')?.query.depth).toBe('1');
  expect(on.body.data.company.people.edges.length).toBeGreaterThan(0);
  expect(on.body.data.company.notes.edges.length).toBeGreaterThan(0);
});
