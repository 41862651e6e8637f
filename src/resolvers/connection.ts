import { BadUserInputError } from '../errors.js';
import type { RequestContext } from '../context.js';
import { andFilters, buildFilter, orderByString } from '../twenty/filter.js';
import { cursorFor, orderKeyPaths } from '../twenty/cursor.js';
import { listAll } from '../twenty/paging.js';
import { readRestInParallel } from '../twenty/parallel-pages.js';
import type { ListPage, PageInfo, TwentyRecord } from '../twenty/types.js';
import type { ObjectSpec } from './objects.js';
import { readsBy } from '../planner/decide.js';
import type { Site } from '../planner/plan.js';
import { reverseOrder, toOrderItems, type OrderItem } from './order.js';

/** The largest `first`/`last` a caller may ask for. */
export const MAX_PAGE_SIZE = 1000;
/** Records a root list returns when neither `first` nor `last` is given (Twenty's own default, §3). */
export const DEFAULT_PAGE_SIZE = 60;

/** Arguments every connection field takes. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  filter?: unknown;
  orderBy?: ReadonlyArray<{ field: string; direction?: string | null }> | null;
}

export interface Edge {
  node: TwentyRecord;
  cursor: string;
}

/** What a `…Connection` type resolves from. */
export interface Connection {
  edges: Edge[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A list query in Twenty's terms, derived once from the GraphQL arguments. */
export interface ListQuery {
  order: OrderItem[];
  /** `order_by` as sent: the caller's keys; Twenty adds `id` (§5). */
  orderBy: string | undefined;
  filter: string | undefined;
  residual: ((record: TwentyRecord) => boolean) | undefined;
  /** Identifies filter + order, for loader caches. */
  key: string;
}

/** Refuses paging arguments that cannot mean one thing (Relay's rules, kept strict). */
export function checkPaging(args: ConnectionArgs): void {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new BadUserInputError(`"${name}" must be between 0 and ${MAX_PAGE_SIZE}.`, { argument: name });
    }
  }
  if (args.first != null && args.last != null) {
    throw new BadUserInputError('Pass either "first" or "last", not both.');
  }
  if (args.after != null && args.before != null) {
    throw new BadUserInputError('Pass either "after" or "before", not both.');
  }
  if (args.first != null && args.before != null) {
    throw new BadUserInputError('"first" pages forward from "after"; use "last" with "before".');
  }
  if (args.last != null && args.after != null) {
    throw new BadUserInputError('"last" pages backward from "before"; use "first" with "after".');
  }
}

export function toListQuery(spec: ObjectSpec, args: Pick<ConnectionArgs, 'filter' | 'orderBy'>): ListQuery {
  const order = toOrderItems(args.orderBy as Parameters<typeof toOrderItems>[0], spec.orderFields);
  const { filter, residual } = buildFilter((args.filter ?? undefined) as Parameters<typeof buildFilter>[0], spec.filterFields);
  return {
    order,
    orderBy: orderParam(order),
    filter,
    residual,
    key: JSON.stringify([args.filter ?? null, order]),
  };
}

function withExtraFilter(query: ListQuery, extraFilter: string | undefined): ListQuery {
  if (!extraFilter) return query;
  const { filter, residual } = andFilters({ filter: query.filter, residual: query.residual }, extraFilter);
  return { ...query, filter, residual, key: JSON.stringify([query.key, extraFilter]) };
}

/** The `order_by` string for these items, leaving out the `id` tie-breaker Twenty appends itself. */
function orderParam(order: OrderItem[]): string | undefined {
  const last = order[order.length - 1];
  const items = last?.field === 'id' && last.direction === 'AscNullsFirst' ? order.slice(0, -1) : order;
  return items.length ? orderByString(items) : undefined;
}

/**
 * Edges whose cursor is computed when a caller reads it (a base64 of JSON per record is the
 * most expensive part of an edge, and most queries never ask for cursors).
 */
const edgesFor = (records: TwentyRecord[], order: OrderItem[]): Edge[] =>
  records.map((node) => ({
    node,
    get cursor() {
      return cursorFor(node, order);
    },
  }));

/** Page information whose start and end cursors are computed when read, like the edges'. */
function pageInfoOf(edges: Edge[], sides: Pick<PageInfo, 'hasNextPage' | 'hasPreviousPage'>): PageInfo {
  return {
    ...sides,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges[edges.length - 1]?.cursor ?? null;
    },
  };
}

/**
 * A root list (§3): one `list` call per page of what the caller asked for. `first`/`after` pages
 * forward with `starting_after`, `last`/`before` backward with `ending_before`, `last` alone reads
 * the reversed order forward and turns it back. When the filter has a `residual` (a value Twenty
 * cannot express exactly, §4), every candidate is read and the page is cut in memory, so counts
 * stay exact.
 */
export async function rootConnection(
  ctx: RequestContext,
  spec: ObjectSpec,
  args: ConnectionArgs,
  options: {
    /** A condition ANDed to the caller's filter, built by the filter module (e.g. `companyId[eq]:…` of one parent). */
    extraFilter?: string;
    /** Where the plan puts this read, when there is a plan. */
    site?: Site;
    /** The first page of a forward read from the start, already read (a pooled read cut short, loaders/batch.ts). */
    firstPage?: ListPage;
  } = {},
): Promise<Connection> {
  checkPaging(args);
  const query = withExtraFilter(toListQuery(spec, args), options.extraFilter);
  for (const cursor of [args.after, args.before]) if (cursor != null) checkCursorOrder(cursor, query.order);
  const { client } = ctx;
  // Counted, or a count whose depth-1 array came cut (a single record's relation, §6).
  if (readsBy(options.site?.decision, 'count')) return countConnection(ctx, spec, query);
  const pageLimit = await client.pageLimit();
  const depth = options.site?.read.depth;
  const fields = options.site?.read.fields;
  const parallel = options.site?.read.parallelPages === true;
  if (query.residual) {
    const params = { filter: query.filter, orderBy: query.orderBy, limit: pageLimit, depth, fields };
    const records = await listAll(client, spec.plural, params, query.residual);
    ctx.loaders.prime(spec.plural, records);
    return sliceConnection(records, args, query.order, DEFAULT_PAGE_SIZE);
  }

  const read = async (
    wanted: number,
    orderBy: string | undefined,
    cursor: { startingAfter?: string; endingBefore?: string },
  ): Promise<{ records: TwentyRecord[]; first: ListPage; last: ListPage }> => {
    const backward = cursor.endingBefore !== undefined;
    const records: TwentyRecord[] = [];
    let next = cursor;
    let page: ListPage | undefined;
    let first: ListPage | undefined;
    const given = !backward && !cursor.startingAfter ? options.firstPage : undefined;
    do {
      if (given && !page) {
        page = given;
      } else {
        const call = client.list(spec.plural, {
          filter: query.filter,
          orderBy,
          limit: Math.min(wanted - records.length, pageLimit),
          depth,
          fields,
          ...next,
        });
        if (options.site) ctx.planning.plan?.trackNode(options.site.node, call);
        page = await call;
      }
      first ??= page;
      if (backward) records.unshift(...page.records);
      else records.push(...page.records);
      if (page === first && parallel && !backward && !cursor.startingAfter && orderBy === undefined && records.length < wanted) {
        // From the start in id order: the rest at once, from the first page's totalCount (§3).
        const rest = readRestInParallel(client, spec.plural, { filter: query.filter, depth, fields }, page, wanted - records.length);
        if (options.site) ctx.planning.plan?.trackNode(options.site.node, rest);
        records.push(...(await rest));
        const hasNextPage = page.totalCount > records.length;
        page = { ...page, pageInfo: { ...page.pageInfo, hasNextPage } };
        break;
      }
      const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
      const at = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
      if (!more || !at || page.records.length === 0) break;
      next = backward ? { endingBefore: at } : { startingAfter: at };
    } while (records.length < wanted);
    ctx.loaders.prime(spec.plural, records);
    return { records, first: first!, last: page! };
  };

  let records: TwentyRecord[];
  let pageInfo: Pick<PageInfo, 'hasNextPage' | 'hasPreviousPage'>;
  let totalCount: number;
  if (args.before != null) {
    // `before` alone is Relay's "the records just before", as many as a page holds by default.
    const result = await read(args.last ?? DEFAULT_PAGE_SIZE, query.orderBy, { endingBefore: args.before });
    records = result.records;
    pageInfo = { hasPreviousPage: result.last.pageInfo.hasPreviousPage, hasNextPage: result.first.pageInfo.hasNextPage };
    totalCount = result.first.totalCount;
  } else if (args.last != null) {
    const result = await read(args.last, orderByString(reverseOrder(query.order)), {});
    records = result.records.reverse();
    pageInfo = { hasPreviousPage: result.last.pageInfo.hasNextPage, hasNextPage: false };
    totalCount = result.first.totalCount;
  } else {
    const cursor = args.after != null ? { startingAfter: args.after } : {};
    const result = await read(args.first ?? DEFAULT_PAGE_SIZE, query.orderBy, cursor);
    records = result.records;
    pageInfo = { hasPreviousPage: result.first.pageInfo.hasPreviousPage, hasNextPage: result.last.pageInfo.hasNextPage };
    totalCount = result.first.totalCount;
  }
  const edges = edgesFor(records, query.order);
  return {
    edges,
    pageInfo: pageInfoOf(edges, pageInfo),
    totalCount,
  };
}

/**
 * Only `totalCount` is asked: Twenty counts every match in any page's answer (§2), so one call of
 * one record answers it, whatever `first` or the cursors say.
 */
async function countConnection(ctx: RequestContext, spec: ObjectSpec, query: ListQuery): Promise<Connection> {
  const page = await ctx.client.list(spec.plural, { filter: query.filter, limit: 1 });
  return { edges: [], pageInfo: EMPTY_PAGE_INFO, totalCount: page.totalCount };
}

/** The page information of a connection whose edges were not asked for (never read). */
const EMPTY_PAGE_INFO: PageInfo = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };

/** One of Twenty's cursors, decoded (§3: base64 of JSON holding the order values and `id`). */
function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
    if (decoded && typeof decoded === 'object' && typeof (decoded as { id?: unknown }).id === 'string') {
      return decoded as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new BadUserInputError('Invalid cursor.', { cursor });
}

const cursorId = (cursor: string): string => decodeCursor(cursor).id as string;

/**
 * Twenty positions a cursor by whatever keys it holds (§3), so a cursor taken from a list in
 * another order would silently land somewhere meaningless: refuse it instead.
 */
function checkCursorOrder(cursor: string, order: OrderItem[]): void {
  const expected = new Set(orderKeyPaths(order).map((path) => path[0]));
  const keys = Object.keys(decodeCursor(cursor));
  if (keys.length !== expected.size || keys.some((key) => !expected.has(key))) {
    throw new BadUserInputError('This cursor belongs to a list in another order: pass the same orderBy it was taken with.', {
      cursor,
    });
  }
}

/**
 * A page cut in memory from a complete, ordered list (nested connections; filtered roots with a
 * residual). Cursors are Twenty's, so they are interchangeable with those of root lists.
 * `hasNextPage`/`hasPreviousPage` say whether records exist beyond the page on either side.
 */
export function sliceConnection(
  records: TwentyRecord[],
  args: ConnectionArgs,
  order: OrderItem[],
  defaultSize = MAX_PAGE_SIZE,
): Connection {
  checkPaging(args);
  const indexOf = (cursor: string) => {
    const id = cursorId(cursor);
    const index = records.findIndex((record) => record.id === id);
    if (index < 0) throw new BadUserInputError('The cursor does not point into this list.', { cursor });
    return index;
  };
  let start = args.after != null ? indexOf(args.after) + 1 : 0;
  let end = args.before != null ? indexOf(args.before) : records.length;
  if (args.last != null) start = Math.max(start, end - args.last);
  else end = Math.min(end, start + (args.first ?? defaultSize));
  const edges = edgesFor(records.slice(start, end), order);
  return {
    edges,
    pageInfo: pageInfoOf(edges, { hasPreviousPage: start > 0, hasNextPage: end < records.length }),
    totalCount: records.length,
  };
}
