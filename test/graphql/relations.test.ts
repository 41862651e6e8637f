/**
 * Every relation both ways, checked against the foreign keys the emulator's REST API holds.
 * With no orderBy, related lists come in Twenty's default order: id ascending (§5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { gql, nodes, restAll, type Rec } from './helpers.js';

let stack: Stack;
const all: Record<string, Rec[]> = {};

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 30 } });
  for (const plural of ['companies', 'people', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets', 'workspaceMembers']) {
    all[plural] = await restAll(stack, plural);
  }
});

afterAll(async () => {
  await stack?.close();
});

/** Ids of `records` whose `field` is `id`, ascending. */
const having = (records: Rec[], field: string, id: string) =>
  records.filter((r) => r[field] === id).map((r) => r.id as string).sort();

/** Ids of the notes or tasks linked to `id` through targets, ascending. */
function linked(kind: 'note' | 'task', field: string, id: string): string[] {
  const targets = all[`${kind}Targets`].filter((t) => t[field] === id);
  return [...new Set(targets.map((t) => t[`${kind}Id`] as string))].sort();
}

const connectionIds = (connection: Rec) => nodes(connection as never).map((n) => n.id);

describe('relations from a company', () => {
  it('resolves people, opportunities, account owner, notes and tasks of every company', async () => {
    const data = await gql(
      stack,
      `{ companies(first: 1000) { edges { node {
          id accountOwnerId accountOwner { id }
          people { totalCount edges { node { id } } }
          opportunities { totalCount edges { node { id } } }
          notes { totalCount edges { node { id } } }
          tasks { totalCount edges { node { id } } }
      } } } }`,
    );
    const companies = nodes(data.companies);
    expect(companies.length).toBe(all.companies.length);
    let withPeople = 0;
    let withNotes = 0;
    for (const company of companies) {
      expect(company.accountOwner?.id ?? null).toBe(company.accountOwnerId);
      expect(connectionIds(company.people)).toEqual(having(all.people, 'companyId', company.id));
      expect(company.people.totalCount).toBe(company.people.edges.length);
      expect(connectionIds(company.opportunities)).toEqual(having(all.opportunities, 'companyId', company.id));
      expect(connectionIds(company.notes)).toEqual(linked('note', 'targetCompanyId', company.id));
      expect(connectionIds(company.tasks)).toEqual(linked('task', 'targetCompanyId', company.id));
      if (company.people.totalCount > 0) withPeople++;
      if (company.notes.totalCount > 0) withNotes++;
    }
    expect(withPeople).toBeGreaterThan(0);
    expect(withNotes).toBeGreaterThan(0);
    expect(companies.some((c) => c.accountOwner !== null)).toBe(true);
  });
});

describe('relations from a person', () => {
  it('resolves company, opportunities as point of contact, notes and tasks of every person', async () => {
    const data = await gql(
      stack,
      `{ people(first: 1000) { edges { node {
          id companyId company { id name }
          opportunities { edges { node { id pointOfContactId } } }
          notes { edges { node { id } } }
          tasks { edges { node { id } } }
      } } } }`,
    );
    const people = nodes(data.people);
    expect(people.length).toBe(all.people.length);
    for (const person of people) {
      const company = all.companies.find((c) => c.id === person.companyId);
      expect(person.company).toEqual(company ? { id: company.id, name: company.name } : null);
      expect(connectionIds(person.opportunities)).toEqual(having(all.opportunities, 'pointOfContactId', person.id));
      expect(connectionIds(person.notes)).toEqual(linked('note', 'targetPersonId', person.id));
      expect(connectionIds(person.tasks)).toEqual(linked('task', 'targetPersonId', person.id));
    }
    expect(people.some((p) => p.opportunities.edges.length > 0)).toBe(true);
  });
});

describe('relations from an opportunity', () => {
  it('resolves company, point of contact, owner, notes and tasks of every opportunity', async () => {
    const data = await gql(
      stack,
      `{ opportunities(first: 1000) { edges { node {
          id companyId pointOfContactId ownerId
          company { id } pointOfContact { id } owner { id }
          notes { edges { node { id } } }
          tasks { edges { node { id } } }
      } } } }`,
    );
    const opportunities = nodes(data.opportunities);
    expect(opportunities.length).toBe(all.opportunities.length);
    for (const o of opportunities) {
      expect(o.company?.id ?? null).toBe(o.companyId);
      expect(o.pointOfContact?.id ?? null).toBe(o.pointOfContactId);
      expect(o.owner?.id ?? null).toBe(o.ownerId);
      expect(connectionIds(o.notes)).toEqual(linked('note', 'targetOpportunityId', o.id));
      expect(connectionIds(o.tasks)).toEqual(linked('task', 'targetOpportunityId', o.id));
    }
    expect(opportunities.some((o) => o.owner !== null && o.pointOfContact !== null)).toBe(true);
  });
});

describe('relations from notes and tasks', () => {
  it('resolves the targets of every note to their company, person or opportunity', async () => {
    const data = await gql(
      stack,
      `{ notes(first: 1000) { edges { node { id targets {
          id noteId companyId personId opportunityId company { id } person { id } opportunity { id }
      } } } } }`,
    );
    for (const note of nodes(data.notes)) {
      const expected = all.noteTargets
        .filter((t) => t.noteId === note.id)
        .map((t) => ({
          id: t.id,
          noteId: note.id,
          companyId: t.targetCompanyId ?? null,
          personId: t.targetPersonId ?? null,
          opportunityId: t.targetOpportunityId ?? null,
          company: t.targetCompanyId ? { id: t.targetCompanyId } : null,
          person: t.targetPersonId ? { id: t.targetPersonId } : null,
          opportunity: t.targetOpportunityId ? { id: t.targetOpportunityId } : null,
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(note.targets).toEqual(expected);
    }
    expect(nodes(data.notes).some((n) => n.targets.length > 0)).toBe(true);
  });

  it('resolves the assignee and the targets of every task', async () => {
    const data = await gql(
      stack,
      `{ tasks(first: 1000) { edges { node { id assigneeId assignee { id userEmail } targets {
          id taskId companyId personId opportunityId
      } } } } }`,
    );
    for (const task of nodes(data.tasks)) {
      const member = all.workspaceMembers.find((m) => m.id === task.assigneeId);
      expect(task.assignee).toEqual(member ? { id: member.id, userEmail: member.userEmail } : null);
      const expected = all.taskTargets
        .filter((t) => t.taskId === task.id)
        .map((t) => ({
          id: t.id,
          taskId: task.id,
          companyId: t.targetCompanyId ?? null,
          personId: t.targetPersonId ?? null,
          opportunityId: t.targetOpportunityId ?? null,
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(task.targets).toEqual(expected);
    }
    expect(nodes(data.tasks).some((t) => t.assignee !== null)).toBe(true);
  });
});

describe('relations from a workspace member', () => {
  it('resolves assigned tasks, owned opportunities and companies as account owner', async () => {
    const data = await gql(
      stack,
      `{ workspaceMembers(first: 100) { edges { node { id
          assignedTasks { totalCount edges { node { id } } }
          ownedOpportunities { totalCount edges { node { id } } }
          accountOwnerForCompanies { totalCount edges { node { id } } }
      } } } }`,
    );
    const members = nodes(data.workspaceMembers);
    expect(members.length).toBe(all.workspaceMembers.length);
    for (const m of members) {
      expect(connectionIds(m.assignedTasks)).toEqual(having(all.tasks, 'assigneeId', m.id));
      expect(connectionIds(m.ownedOpportunities)).toEqual(having(all.opportunities, 'ownerId', m.id));
      expect(connectionIds(m.accountOwnerForCompanies)).toEqual(having(all.companies, 'accountOwnerId', m.id));
    }
    expect(members.reduce((sum, m) => sum + m.accountOwnerForCompanies.totalCount, 0)).toBeGreaterThan(0);
  });
});
