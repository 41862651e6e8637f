// Every report on the demo data, on both server generations (§7: groupBy, and the older servers
// without it), against totals computed here from all records read over REST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { rest, type Rec } from '../emulator/helpers.js';
import {
  bucket,
  everyRecord,
  FORECAST_FIELDS,
  GROUP_FIELDS,
  live,
  PIPELINE_FIELDS,
  pipelineAnswer,
  refForecast,
  refGroups,
  type StageSetup,
} from './reference.js';

const STANDARD: StageSetup = { stages: ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'], won: ['CUSTOMER'] };

let current: Stack;
let legacy: Stack;
let deals: Rec[];
let companies: Rec[];
let tasks: Rec[];
let members: Rec[];

beforeAll(async () => {
  [current, legacy] = await Promise.all([startStack(), startStack({ emulator: { legacy: true } })]);
  // Same seed, same records on both; a few deals soft-deleted on both, which must never count.
  const firstDeals = (await everyRecord(current.emulator, 'opportunities')).slice(0, 4);
  for (const stack of [current, legacy]) {
    for (const deal of firstDeals) {
      const res = await rest(stack.emulator, `/rest/opportunities/${deal.id}?soft_delete=true`, { method: 'DELETE' });
      expect(res.status).toBe(200);
    }
  }
  const all = await everyRecord(current.emulator, 'opportunities');
  expect(all.filter((d) => d.deletedAt).length).toBe(4);
  deals = live(all);
  companies = live(await everyRecord(current.emulator, 'companies'));
  tasks = live(await everyRecord(current.emulator, 'tasks'));
  members = await everyRecord(current.emulator, 'workspaceMembers');
});
afterAll(async () => {
  await Promise.all([current?.close(), legacy?.close()]);
});

/** Runs the query on both generations: same answer on each, no errors; returns the data. */
async function both(query: string, variables?: Record<string, unknown>): Promise<Rec> {
  const [a, b] = await Promise.all([current.query(query, variables), legacy.query(query, variables)]);
  expect(a.body.errors, JSON.stringify(a.body.errors)).toBeUndefined();
  expect(b.body, 'both server generations answer the same').toEqual(a.body);
  return a.body.data;
}

describe('reports on the demo data, with groupBy and without', () => {
  it('pushes down to groupBy on current servers and pages the records on older ones', async () => {
    current.resetCalls();
    legacy.resetCalls();
    await both(`{ pipeline(filter: { name: { startsWith: "A" } }) { count } }`);
    expect(current.restCalls().map((c) => c.path)).toContain('/rest/opportunities/groupBy');
    expect(current.restCalls().some((c) => c.path === '/rest/opportunities')).toBe(false);
    expect(legacy.restCalls().some((c) => c.path === '/rest/opportunities')).toBe(true);
  });

  it('pipeline: every stage, exact totals per currency, averages and weighted totals', async () => {
    const data = await both(`{ pipeline { ${PIPELINE_FIELDS} } }`);
    expect(data.pipeline).toEqual(pipelineAnswer(deals, STANDARD));
    expect(data.pipeline.totals.length).toBeGreaterThan(1);
  });

  it('pipeline: the core filters apply, and per-query probabilities override the defaults', async () => {
    const filter = { stage: { in: ['NEW', 'PROPOSAL'] }, amount: { amountMicros: { gte: '200000000000' } } };
    const data = await both(
      `query ($filter: OpportunityFilter) { pipeline(filter: $filter, probabilities: [{ stage: "NEW", probability: 0.15 }]) { ${PIPELINE_FIELDS} } }`,
      { filter },
    );
    const kept = deals.filter((d) => ['NEW', 'PROPOSAL'].includes(d.stage) && d.amount?.amountMicros != null && BigInt(d.amount.amountMicros) >= 200_000_000_000n);
    expect(kept.length).toBeGreaterThan(0);
    expect(data.pipeline).toEqual(pipelineAnswer(kept, { ...STANDARD, given: { NEW: 0.15 } }));
    // Stages without deals are listed too.
    expect(data.pipeline.stages.map((s: Rec) => s.stage)).toEqual(STANDARD.stages);
  });

  it('pipeline: soft-deleted deals never count, even when the filter names deletedAt', async () => {
    const data = await both(`{ deleted: pipeline(filter: { deletedAt: { isNull: false } }) { count } all: pipeline(filter: { deletedAt: { isNull: true } }) { count } }`);
    expect(data).toEqual({ deleted: { count: 0 }, all: { count: deals.length } });
  });

  it('pipeline: a filter value Twenty cannot express takes the exact path', async () => {
    // `(` cannot be written in a filter (§4): the BFF widens it and checks each record itself.
    const data = await both(`{ pipeline(filter: { name: { contains: "(" } }) { count } other: pipeline(filter: { name: { contains: "a" } }) { ${PIPELINE_FIELDS} } }`);
    expect(data.pipeline.count).toBe(deals.filter((d) => String(d.name).includes('(')).length);
    expect(data.other).toEqual(pipelineAnswer(deals.filter((d) => String(d.name).toLowerCase().includes('a')), STANDARD));
  });

  it('a pipeline per company, per point of contact and per owner', async () => {
    const data = await both(`{
      companies(first: 60) { edges { node { id pipeline { ${PIPELINE_FIELDS} } } } }
      people(first: 40) { edges { node { id pipeline { count totals { amountMicros currencyCode } } } } }
      workspaceMembers { edges { node { id pipeline(filter: { stage: { neq: "NEW" } }) { ${PIPELINE_FIELDS} } } } }
    }`);
    const byCompany = data.companies.edges.map((e: Rec) => e.node);
    expect(byCompany).toHaveLength(Math.min(60, companies.length));
    for (const company of byCompany) expect(company.pipeline, company.id).toEqual(pipelineAnswer(deals.filter((d) => d.companyId === company.id), STANDARD));
    expect(byCompany.some((c: Rec) => c.pipeline.count > 1)).toBe(true);
    for (const { node } of data.people.edges) {
      const { count, totals } = pipelineAnswer(deals.filter((d) => d.pointOfContactId === node.id), STANDARD);
      expect(node.pipeline, node.id).toEqual({ count, totals });
    }
    expect(data.workspaceMembers.edges).toHaveLength(members.length);
    for (const { node } of data.workspaceMembers.edges) {
      expect(node.pipeline, node.id).toEqual(pipelineAnswer(deals.filter((d) => d.ownerId === node.id && d.stage !== 'NEW'), STANDARD));
    }
  });

  it('forecast: every month from `from` to `to`, empty ones too', async () => {
    const months = deals.filter((d) => d.closeDate).map((d) => bucket(d.closeDate, 'MONTH')).sort();
    const from = `${Number(months[0].slice(0, 4)) - 1}-11-01`; // empty months before the first deal
    const last = new Date(`${months[months.length - 1]}T00:00:00Z`);
    last.setUTCMonth(last.getUTCMonth() + 2);
    const to = last.toISOString().slice(0, 10);
    const data = await both(`{ forecast(from: "${from}", to: "${to}") { ${FORECAST_FIELDS} } }`);
    expect(data.forecast).toEqual(refForecast(deals, STANDARD, from, to));
    expect(data.forecast.periods.some((p: Rec) => p.count === 0)).toBe(true);
    expect(data.forecast.periods.some((p: Rec) => p.won.length > 0)).toBe(true);
  });

  it('forecast: periods are cut at `from` and `to`, weeks start on Monday', async () => {
    const data = await both(`{ forecast(from: "2026-03-04", to: "2026-03-20", granularity: WEEK) { periods { start end } } }`);
    expect(data.forecast.periods).toEqual([
      { start: '2026-03-04', end: '2026-03-09' },
      { start: '2026-03-09', end: '2026-03-16' },
      { start: '2026-03-16', end: '2026-03-20' },
    ]);
  });

  it('opportunityGroups: by stage, by company (the biggest first) and by close quarter (in order)', async () => {
    const data = await both(`{
      byStage: opportunityGroups(by: [STAGE]) { ${GROUP_FIELDS} labels }
      byCompany: opportunityGroups(by: [COMPANY_ID], first: 5) { ${GROUP_FIELDS} }
      byQuarter: opportunityGroups(by: [CLOSE_DATE, AMOUNT_CURRENCY_CODE], dateGranularity: QUARTER) { ${GROUP_FIELDS} labels }
    }`);
    const byStage = refGroups(deals, (d) => [d.stage], ['amount'], []);
    expect(data.byStage.map(({ labels: _labels, ...group }: Rec) => group)).toEqual(byStage);
    expect(data.byStage.find((g: Rec) => g.key[0] === 'NEW').labels).toEqual(['New']);
    expect(data.byCompany).toEqual(refGroups(deals, (d) => [d.companyId ?? null], ['amount'], []).slice(0, 5));
    const byQuarter = refGroups(deals, (d) => [d.closeDate ? bucket(d.closeDate, 'QUARTER') : null, d.amount?.currencyCode || null], ['amount'], [], true);
    expect(data.byQuarter.map(({ labels: _labels, ...group }: Rec) => group)).toEqual(byQuarter);
    const first = data.byQuarter[0];
    expect(first.labels[0]).toBe(`${first.key[0].slice(0, 4)}-Q${(Number(first.key[0].slice(5, 7)) + 2) / 3}`);
  });

  it('companyGroups: money per currency and number sums, with averages', async () => {
    const data = await both(`{ companyGroups(by: [ACCOUNT_OWNER_ID]) { ${GROUP_FIELDS} averages { field number money { amountMicros currencyCode } } } }`);
    const expected = refGroups(companies, (c) => [c.accountOwnerId ?? null], ['annualRecurringRevenue'], ['employees']);
    expect(data.companyGroups.map(({ averages: _a, ...g }: Rec) => g)).toEqual(expected);
    for (const group of data.companyGroups) {
      const members = companies.filter((c) => (c.accountOwnerId ?? null) === group.key[0]);
      const withEmployees = members.filter((c) => typeof c.employees === 'number');
      const average = group.averages.find((a: Rec) => a.field === 'employees');
      expect(average?.number).toBeCloseTo(withEmployees.reduce((s, c) => s + c.employees, 0) / withEmployees.length, 9);
    }
  });

  it('personGroups, taskGroups and noteGroups count by their own fields', async () => {
    const data = await both(`{
      personGroups(by: [COMPANY_ID], first: 3) { key count }
      taskGroups(by: [STATUS, ASSIGNEE_ID]) { key count }
      noteGroups(by: [CREATED_AT], dateGranularity: YEAR) { key count }
    }`);
    const people = live(await everyRecord(current.emulator, 'people'));
    const notes = live(await everyRecord(current.emulator, 'notes'));
    const counts = (groups: Rec[]) => groups.map(({ key, count }) => ({ key, count }));
    expect(data.personGroups).toEqual(counts(refGroups(people, (p) => [p.companyId ?? null], [], []).slice(0, 3)));
    expect(data.taskGroups).toEqual(counts(refGroups(tasks, (t) => [t.status ?? null, t.assigneeId ?? null], [], [])));
    expect(data.noteGroups).toEqual(counts(refGroups(notes, (n) => [bucket(n.createdAt, 'YEAR')], [], [], true)));
  });

  it('taskSummary: open tasks by status and assignee, overdue ones', async () => {
    const data = await both(`{ taskSummary { count open overdue byStatus { status count } byAssignee { assigneeId count overdue } } }`);
    const now = new Date().toISOString();
    const open = tasks.filter((t) => t.status !== 'DONE');
    const overdue = open.filter((t) => t.dueAt && t.dueAt < now);
    const assignees = [...new Set(open.map((t) => t.assigneeId ?? null))].map((id) => ({
      assigneeId: id,
      count: open.filter((t) => (t.assigneeId ?? null) === id).length,
      overdue: overdue.filter((t) => (t.assigneeId ?? null) === id).length,
    }));
    assignees.sort((a, b) => b.count - a.count || (a.assigneeId === null ? 1 : b.assigneeId === null ? -1 : a.assigneeId < b.assigneeId ? -1 : 1));
    expect(data.taskSummary).toEqual({
      count: tasks.length,
      open: open.length,
      overdue: overdue.length,
      byStatus: ['TODO', 'IN_PROGRESS', 'DONE'].map((status) => ({ status, count: tasks.filter((t) => t.status === status).length })),
      byAssignee: assignees,
    });
    expect(overdue.length).toBeGreaterThan(0);
  });

  it('refuses what cannot mean one thing, with BAD_USER_INPUT', async () => {
    const cases = [
      `{ pipeline(probabilities: [{ stage: "WON", probability: 0.5 }]) { count } }`,
      `{ pipeline(probabilities: [{ stage: "NEW", probability: 1.5 }]) { count } }`,
      `{ pipeline(probabilities: [{ stage: "NEW", probability: 0.5 }, { stage: "NEW", probability: 0.2 }]) { count } }`,
      `{ forecast(from: "2026-05-01", to: "2026-04-01") { periods { start } } }`,
      `{ forecast(from: "2000-01-01", to: "2026-01-01", granularity: DAY) { periods { start } } }`,
      `{ opportunityGroups(by: []) { count } }`,
      `{ opportunityGroups(by: [STAGE, STAGE]) { count } }`,
      `{ opportunityGroups(by: [STAGE], first: -1) { count } }`,
    ];
    for (const query of cases) {
      const { body } = await current.query(query);
      expect(body.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
  });
});
