/**
 * The task summary: tasks by status and assignee, and the open ones overdue. Two grouped queries
 * (status × assignee of every matching task, and of those due before now) sent together, so one
 * round trip; "now" is when the report was computed, cached like any report (REPORT_CACHE_TTL_MS).
 */
import type { RequestContext } from '../context.js';
import type { SelectOption } from '../twenty/types.js';
import { cachedRows, reportFilter, type ReportContext } from './fetch.js';
import type { GroupQuery, GroupRow } from './group-query.js';
import { REPORT_OBJECTS } from './objects.js';
import { optionDomain, optionsOf } from './options.js';
import { compareValues } from './order.js';

const TASKS = REPORT_OBJECTS.tasks;

export interface TaskStatusCountValue {
  status: string;
  info: SelectOption | null;
  count: number;
}

export interface TaskAssigneeCountValue {
  assigneeId: string | null;
  count: number;
  overdue: number;
}

export interface TaskSummaryValue {
  count: number;
  open: number;
  overdue: number;
  byStatus: TaskStatusCountValue[];
  byAssignee: TaskAssigneeCountValue[];
}

export async function taskSummaryReport(ctx: ReportContext, filter: unknown, now = new Date()): Promise<TaskSummaryValue> {
  const filterKey = JSON.stringify(filter ?? null);
  const dimensions = [{ path: 'status' }, { path: 'assigneeId' }];
  const domains = async () => {
    const domain = await optionDomain(ctx, TASKS, 'status');
    return domain ? [domain] : [];
  };
  const all: GroupQuery = { object: TASKS, dimensions, filter: reportFilter(TASKS, filter), filterKey, domains };
  const overdue: GroupQuery = {
    object: TASKS,
    dimensions,
    filter: reportFilter(TASKS, filter, { dueAt: { lt: now.toISOString() } }),
    // "Before now" changes every instant: the cache keys it by name, and its TTL bounds the drift.
    filterKey: JSON.stringify([filter ?? null, 'overdue']),
    domains,
  };
  const [allRows, overdueRows, options] = await Promise.all([cachedRows(ctx, all), cachedRows(ctx, overdue), optionsOf(ctx, TASKS, 'status')]);
  const done = new Set(options.slice(-1).map((o) => o.value));
  const isOpen = (row: GroupRow) => !done.has(row.key[0] ?? '');

  const byStatus = new Map<string, TaskStatusCountValue>(
    options.map((o) => [o.value, { status: o.value, info: o, count: 0 }]),
  );
  const others = new Map<string, TaskStatusCountValue>();
  const byAssignee = new Map<string | null, TaskAssigneeCountValue>();
  const assignee = (id: string | null) => {
    let entry = byAssignee.get(id);
    if (!entry) byAssignee.set(id, (entry = { assigneeId: id, count: 0, overdue: 0 }));
    return entry;
  };
  let count = 0;
  let open = 0;
  for (const row of allRows) {
    const status = row.key[0] ?? '';
    let entry = byStatus.get(status) ?? others.get(status);
    if (!entry) others.set(status, (entry = { status, info: null, count: 0 }));
    entry.count += row.count;
    count += row.count;
    if (!isOpen(row)) continue;
    open += row.count;
    assignee(row.key[1]).count += row.count;
  }
  let overdueCount = 0;
  for (const row of overdueRows) {
    if (!isOpen(row)) continue;
    overdueCount += row.count;
    assignee(row.key[1]).overdue += row.count;
  }
  const extra = [...others.values()].sort((a, b) => compareValues(a.status, b.status));
  return {
    count,
    open,
    overdue: overdueCount,
    byStatus: [...byStatus.values(), ...extra],
    byAssignee: [...byAssignee.values()].sort((a, b) => b.count - a.count || compareValues(a.assigneeId, b.assigneeId)),
  };
}

/** The assignee record of a `TaskAssigneeCount`, through the request's by-id loader. */
export function assigneeOf(ctx: Pick<RequestContext, 'loaders'>, entry: TaskAssigneeCountValue) {
  return entry.assigneeId ? ctx.loaders.byId('workspaceMembers').load(entry.assigneeId) : null;
}
