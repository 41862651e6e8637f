// Demo data sanity (issue 2): sizes, stages, close dates, micros, links between records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll, startTestEmulator, type Emulator, type Rec } from './helpers.js';

let em: Emulator;
let companies: Rec[];
let people: Rec[];
let opportunities: Rec[];
let members: Rec[];

beforeAll(async () => {
  // The default demo size: about 200 companies, 1,000 people, 500 opportunities.
  em = await startTestEmulator({ companies: undefined });
  [companies, people, opportunities, members] = await Promise.all(
    ['companies', 'people', 'opportunities', 'workspaceMembers'].map((p) => fetchAll(em, p)),
  );
});
afterAll(() => em?.close());

const host = (url: string) => url.replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '').toLowerCase();

describe('demo data', () => {
  it('has 200 companies, 5x people and 2.5x opportunities by default', () => {
    expect(companies.length).toBe(200);
    expect(people.length).toBe(1000);
    expect(opportunities.length).toBe(500);
  });

  it('builds a size from the companies option', async () => {
    const small = await startTestEmulator({ companies: 8 });
    try {
      const [c, p, o] = await Promise.all(['companies', 'people', 'opportunities'].map((x) => fetchAll(small, x)));
      expect([c.length, p.length, o.length]).toEqual([8, 40, 20]);
    } finally {
      await small.close();
    }
  });

  it('builds an empty workspace with companies: 0', async () => {
    const empty = await startTestEmulator({ companies: 0 });
    try {
      expect((await fetchAll(empty, 'companies')).length).toBe(0);
      expect((await fetchAll(empty, 'people')).length).toBe(0);
    } finally {
      await empty.close();
    }
  });

  it('gives companies realistic, mostly distinct names and domains', () => {
    const names = new Set(companies.map((c) => c.name));
    expect(names.size).toBeGreaterThan(companies.length * 0.9);
    for (const c of companies) {
      expect(c.name.length).toBeGreaterThan(1);
      expect(c.domainName.primaryLinkUrl).toMatch(/^(https?:\/\/)?[a-z0-9.-]+\.[a-z]{2,}/i);
    }
  });

  it('has opportunities in every stage', () => {
    expect(new Set(opportunities.map((o) => o.stage))).toEqual(new Set(['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER']));
  });

  it('spreads close dates over 12 months', () => {
    const dates = opportunities.filter((o) => o.closeDate).map((o) => Date.parse(o.closeDate));
    expect(dates.length).toBeGreaterThan(opportunities.length * 0.9);
    const months = new Set(dates.map((d) => new Date(d).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(12);
    expect(months.size).toBeLessThanOrEqual(13);
  });

  it('has amounts in micros of a currency', () => {
    for (const o of opportunities) {
      const m = Number(o.amount.amountMicros);
      expect(Number.isInteger(m)).toBe(true);
      expect(m).toBeGreaterThanOrEqual(1_000_000);
      // Whole cents at least: a micros amount is a multiple of 10,000.
      expect(m % 10_000).toBe(0);
      expect(o.amount.currencyCode).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('links people to existing companies, with emails at their company domain and job titles', () => {
    const byId = new Map(companies.map((c) => [c.id, c]));
    const linked = people.filter((p) => p.companyId);
    expect(linked.length).toBeGreaterThan(people.length * 0.9);
    let sameDomain = 0;
    for (const p of linked) {
      const company = byId.get(p.companyId);
      expect(company, p.companyId).toBeDefined();
      if (p.emails.primaryEmail.toLowerCase().endsWith(`@${host(company!.domainName.primaryLinkUrl)}`)) sameDomain++;
    }
    expect(sameDomain).toBeGreaterThan(linked.length * 0.8);
    expect(people.filter((p) => p.jobTitle).length).toBeGreaterThan(people.length * 0.8);
    for (const p of people) expect(p.emails.primaryEmail).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i);
  });

  it('links opportunities to companies, points of contact and owners that exist', () => {
    const companyIds = new Set(companies.map((c) => c.id));
    const personIds = new Set(people.map((p) => p.id));
    const memberIds = new Set(members.map((m) => m.id));
    for (const o of opportunities) {
      if (o.companyId) expect(companyIds.has(o.companyId)).toBe(true);
      if (o.pointOfContactId) expect(personIds.has(o.pointOfContactId)).toBe(true);
      if (o.ownerId) expect(memberIds.has(o.ownerId)).toBe(true);
    }
    expect(opportunities.filter((o) => o.companyId).length).toBeGreaterThan(opportunities.length * 0.9);
    expect(opportunities.filter((o) => o.ownerId).length).toBeGreaterThan(0);
  });

  it('has workspace members as company account owners and task assignees', async () => {
    const memberIds = new Set(members.map((m) => m.id));
    expect(members.length).toBeGreaterThan(1);
    const owners = companies.filter((c) => c.accountOwnerId);
    expect(owners.length).toBeGreaterThan(0);
    for (const c of owners) expect(memberIds.has(c.accountOwnerId)).toBe(true);
    const tasks = await fetchAll(em, 'tasks');
    const assigned = tasks.filter((t) => t.assigneeId);
    expect(assigned.length).toBeGreaterThan(0);
    for (const t of assigned) expect(memberIds.has(t.assigneeId)).toBe(true);
    for (const m of members) expect(m.userEmail).toMatch(/@/);
  });

  it('links notes and tasks to people, companies and opportunities through targets', async () => {
    const [notes, tasks, noteTargets, taskTargets] = await Promise.all(
      ['notes', 'tasks', 'noteTargets', 'taskTargets'].map((p) => fetchAll(em, p)),
    );
    expect(notes.length).toBeGreaterThan(0);
    expect(tasks.length).toBeGreaterThan(0);
    const exists = {
      targetPersonId: new Set(people.map((p) => p.id)),
      targetCompanyId: new Set(companies.map((c) => c.id)),
      targetOpportunityId: new Set(opportunities.map((o) => o.id)),
    };
    const kinds = new Set<string>();
    const check = (targets: Rec[], ownerKey: string, owners: Rec[]) => {
      const ownerIds = new Set(owners.map((n) => n.id));
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        expect(ownerIds.has(t[ownerKey]), ownerKey).toBe(true);
        const set = (Object.keys(exists) as Array<keyof typeof exists>).filter((k) => t[k]);
        expect(set.length).toBe(1);
        expect(exists[set[0]].has(t[set[0]])).toBe(true);
        kinds.add(set[0]);
      }
    };
    check(noteTargets, 'noteId', notes);
    check(taskTargets, 'taskId', tasks);
    expect(kinds).toEqual(new Set(Object.keys(exists)));
  });

  it('gives tasks statuses from TODO, IN_PROGRESS and DONE', async () => {
    const tasks = await fetchAll(em, 'tasks');
    for (const t of tasks) expect(['TODO', 'IN_PROGRESS', 'DONE']).toContain(t.status);
  });
});
