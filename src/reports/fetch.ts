/**
 * Runs a GroupQuery against Twenty, exactly, in as few calls as the server allows:
 * - a filter with a residual check (a value Twenty cannot express, §4) reads the records and
 *   checks each (the residual's own cap refuses a scan that would be too wide);
 * - otherwise one groupBy call (§7); when its answer may be cut off (as many groups as one call
 *   returns), the query is cut in two, by its keys first, then along its domains (periods,
 *   SELECT options), and each part asked again, down to parts that cannot be cut, whose records
 *   are read instead;
 * - a server without groupBy (learned once by the client) has the records read and grouped here.
 * Every path gives the same rows; all calls go through `reportClient(ctx)`.
 */
import type { RequestContext } from '../context.js';
import type { TwentyClient } from '../twenty/types.js';
import { andFilters, buildFilter, idInFilter, type BuiltFilter, type FilterInput } from '../twenty/filter.js';
import { listAll } from '../twenty/paging.js';
import { groupByParams, rowsFromAnswer, rowsFromRecords, type Domain, type GroupQuery, type GroupRow } from './group-query.js';
import type { ReportObject } from './objects.js';

export type ReportContext = Pick<RequestContext, 'client' | 'tokenKey' | 'reports'>;

/**
 * The client of every call a report makes: the caller's own (its signal, deadline and call
 * count), queued at report priority in the workspace's budget, so a report waits behind the
 * interactive calls of its key rather than spending the budget they need (§9).
 */
export const reportClient = (ctx: Pick<ReportContext, 'client'>): TwentyClient => ctx.client.atPriority('report');

/** Groups asked for per call: the most Twenty returns (§7). */
const GROUPS_PER_CALL = 200;

/**
 * The filter of a report: the caller's input and further conditions, with soft-deleted records
 * excluded explicitly, since a caller's filter naming `deletedAt` would otherwise bring them in (§4).
 */
export function reportFilter(object: ReportObject, input: unknown, ...conditions: FilterInput[]): BuiltFilter {
  const parts = [...(input === null || input === undefined ? [] : [input as FilterInput]), ...conditions, { deletedAt: { isNull: true } }];
  return buildFilter({ and: parts }, object.filterFields);
}

/** The query's rows from the report cache, or from Twenty (then cached). */
export function cachedRows(ctx: ReportContext, query: GroupQuery): Promise<GroupRow[]> {
  const key = JSON.stringify(['rows', query.dimensions, query.filterKey, query.keys ?? null]);
  return ctx.reports.cache.get(ctx.tokenKey, query.object.plural, key, () => fetchRows(ctx, query));
}

/** A part of the query's records: some of its keys, and for each domain (once known) some items. */
interface Part {
  keys?: readonly string[];
  domains?: Domain[];
  items?: Array<readonly string[]>;
}

/** The query's rows, read from Twenty now. */
export async function fetchRows(ctx: ReportContext, query: GroupQuery): Promise<GroupRow[]> {
  const whole: Part = { keys: query.keys?.values };
  if (query.filter.residual) return fromRecords(ctx, query, whole);
  const rows = await collect(ctx, query, whole);
  return rows ?? fromRecords(ctx, query, whole);
}

/** The conditions selecting a part's records, besides the query's filter. */
function partFilters(query: GroupQuery, part: Part): Array<string | undefined> {
  const filters: Array<string | undefined> = part.keys && query.keys ? [idInFilter(query.keys.field, part.keys)] : [];
  part.domains?.forEach((domain, i) => filters.push(domain.filterFor(part.items![i], part.items![i].length === domain.items.length)));
  return filters;
}

/** Rows of one part, or undefined when the server has no groupBy. */
async function collect(ctx: ReportContext, query: GroupQuery, part: Part): Promise<GroupRow[] | undefined> {
  const filter = andFilters(query.filter, ...partFilters(query, part)).filter;
  const answer = await reportClient(ctx).groupBy(query.object.plural, groupByParams(query, filter, GROUPS_PER_CALL));
  if (!answer.supported) return undefined;
  if (answer.complete) return rowsFromAnswer(query, answer.rows);
  const parts = await split(query, part);
  if (!parts) return fromRecords(ctx, query, part);
  const results = await Promise.all(parts.map((p) => collect(ctx, query, p)));
  return results.flatMap((rows) => rows ?? []);
}

/** The part cut in two: by its keys while it has several, then along its first domain with several items. */
async function split(query: GroupQuery, part: Part): Promise<Part[] | undefined> {
  const halves = <T>(list: readonly T[]) => [list.slice(0, Math.ceil(list.length / 2)), list.slice(Math.ceil(list.length / 2))];
  if (part.keys && part.keys.length > 1) return halves(part.keys).map((keys) => ({ ...part, keys }));
  const domains = part.domains ?? (await query.domains?.()) ?? [];
  const items = part.items ?? domains.map((d) => d.items);
  const at = items.findIndex((list) => list.length > 1);
  if (at < 0) return undefined;
  return halves(items[at]).map((half) => ({ ...part, domains, items: items.map((list, i) => (i === at ? half : list)) }));
}

async function fromRecords(ctx: ReportContext, query: GroupQuery, part: Part): Promise<GroupRow[]> {
  const { filter, residual } = andFilters(query.filter, ...partFilters(query, part));
  const records = await listAll(reportClient(ctx), query.object.plural, { filter }, residual);
  return rowsFromRecords(query, records);
}
