import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context.js';
import { idInFilter } from '../twenty/filter.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';
import type { RecordQuery } from '../loaders/index.js';
import { isUuid } from '../twenty/filter-values.js';
import { getTargetFieldNames } from '../workspace/metadata.js';
import { specOfObject, type ObjectSpec, type ThroughTargetsRelation } from '../model/index.js';
import {
  checkPaging,
  MAX_PAGE_SIZE,
  rootConnection,
  sliceConnection,
  toListQuery,
  type Connection,
  type ConnectionArgs,
  type ListQuery,
} from './connection.js';
import { compareBy, type OrderItem } from './order.js';
import { readsBy } from '../planner/decide.js';

/**
 * A many-to-one relation: the record its foreign key points at, through the by-id loader. Ids are
 * lowercased: Twenty accepts any case but answers in lowercase, and records are matched by the id
 * it answers with.
 */
export function toOne(ctx: RequestContext, object: ObjectPlural, id: unknown): Promise<TwentyRecord | null> | null {
  return typeof id === 'string' && isUuid(id) ? ctx.loaders.byId(object).load(id.toLowerCase()) : null;
}

/**
 * Whether the field at `path` hangs off the only parent of its kind in the operation: no list
 * index on the way from the root (`company(id) { people }`, `person(id) { company { people } }`),
 * so there is nothing to batch with.
 */
export function isSingleParent(path: GraphQLResolveInfo['path'] | undefined): boolean {
  for (let at = path; at; at = at.prev) if (typeof at.key === 'number') return false;
  return true;
}

/**
 * A one-to-many relation by foreign key (`people` of a company: `companyId`).
 *
 * When the parent's depth-1 answer brought every child (§6), the page is cut from them, at once.
 * Under a single parent it is a root list with the foreign key ANDed to the filter: Twenty pages
 * it, so `first: 1` costs one call whatever the parent has; read forward from the start, the
 * first page is shared with the same relation of other single parents (`ofOneParent`). Under a
 * list of parents, all of them share one batched, filtered, ordered query, read to the end (a
 * page cut per parent cannot be asked of Twenty), and the page is cut per parent in memory; the
 * loader refuses a batch past RELATION_SCAN_LIMIT records.
 */
export function byForeignKeyConnection(
  ctx: RequestContext,
  spec: ObjectSpec,
  field: string,
  parentId: string,
  args: ConnectionArgs,
  info: Pick<GraphQLResolveInfo, 'path' | 'parentType'>,
  /** Every child of the parent, in id order, when its depth-1 answer brought them whole (§6). */
  children?: TwentyRecord[],
): Connection | Promise<Connection> {
  checkPaging(args);
  const query = toListQuery(spec, args);
  // Synchronous when the records are in hand: no promise for graphql-js to wait on per parent.
  if (children && query.filter === undefined && query.residual === undefined && isIdOrder(query.order)) {
    return sliceConnection(children, args, query.order);
  }
  return loadedConnection({ ctx, spec, field, parentId, args, info }, query);
}

/** `byForeignKeyConnection` when the records must be read. */
async function loadedConnection(
  { ctx, spec, field, parentId, args, info }: RelationAt,
  query: ListQuery,
): Promise<Connection> {
  const site = ctx.planning.plan?.siteAt(info);
  if (isSingleParent(info.path)) {
    // A nested list without first/last holds up to MAX_PAGE_SIZE records (schema doc), a root list only 60.
    const sized =
      args.first != null || args.last != null
        ? args
        : args.before != null
          ? { ...args, last: MAX_PAGE_SIZE }
          : { ...args, first: MAX_PAGE_SIZE };
    const extraFilter = idInFilter(field, [parentId]);
    if (sized.first != null && sized.first > 0 && sized.after == null && query.residual === undefined && !readsBy(site?.decision, 'count')) {
      // Forward from the start: pooled with the same relation of other single parents (of this
      // operation and of the key's concurrent ones), one call for all when it is short.
      const read = await ctx.loaders.ofOneParent(spec.plural, field, query, sized.first).load(parentId);
      if (Array.isArray(read)) return sliceConnection(read, sized, query.order);
      return rootConnection(ctx, spec, sized, { extraFilter, site, firstPage: read.cut });
    }
    return rootConnection(ctx, spec, sized, { extraFilter, site });
  }
  if (readsBy(site?.decision, 'groupCount')) {
    const totalCount = await ctx.loaders.countByForeignKey(spec.plural, field, query).load(parentId);
    return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount };
  }
  const records = await ctx.loaders.byForeignKey(spec.plural, field, query).load(parentId);
  return sliceConnection(records, args, query.order);
}

/** Where a relation is read: the parent's id, the connection's arguments, the resolver's place. */
interface RelationAt {
  ctx: RequestContext;
  spec: ObjectSpec;
  field: string;
  parentId: string;
  args: ConnectionArgs;
  info: Pick<GraphQLResolveInfo, 'path' | 'parentType'>;
}

/** Twenty's default order, id ascending (§5): how depth-1 arrays are sorted. */
const isIdOrder = (order: OrderItem[]): boolean => order.length === 1 && order[0].field === 'id' && order[0].direction === 'AscNullsFirst';

/**
 * Notes or tasks of a company, person or opportunity, reached through their targets (§10): one
 * batched query for the targets of all parents (by whichever target field name the server
 * uses), one batched `id[in]` query for the notes or tasks, then filter, order and page per parent.
 */
export async function throughTargetsConnection(
  ctx: RequestContext,
  relation: ThroughTargetsRelation,
  parentId: string,
  args: ConnectionArgs,
): Promise<Connection> {
  checkPaging(args);
  const spec = specOfObject(relation.target);
  const query = toListQuery(spec, args);
  const field = (await getTargetFieldNames(ctx))[relation.targetKind];
  const targets = await ctx.loaders.byForeignKey(relation.via, field).load(parentId);
  const ids = [...new Set(targets.map((target) => target[relation.ownerField]).filter((id): id is string => typeof id === 'string'))];
  // Without a filter, any record will do: the ones nested in the targets (read at depth 1 when
  // the plan says so, §6; null when soft-deleted), or the by-id loader, which may hold them.
  const filtered = query.filter !== undefined || query.residual !== undefined;
  const records = (!filtered && nestedOwners(ctx, relation, targets)) || (await loadOwners(ctx, spec, ids, filtered ? { key: JSON.stringify(args.filter), filter: query.filter, residual: query.residual } : { key: '' }));
  records.sort(compareBy(query.order));
  return sliceConnection(records, args, query.order);
}

/** The notes or tasks nested in their targets by a depth-1 read, once each; undefined when not nested. */
function nestedOwners(ctx: RequestContext, relation: ThroughTargetsRelation, targets: TwentyRecord[]): TwentyRecord[] | undefined {
  const key = relation.ownerField.slice(0, -'Id'.length);
  if (!targets.every((target) => Object.hasOwn(target, key))) return undefined;
  const byId = new Map<string, TwentyRecord>();
  for (const target of targets) {
    const owner = target[key] as TwentyRecord | null;
    if (owner && typeof owner.id === 'string') byId.set(owner.id, owner);
  }
  const records = [...byId.values()];
  ctx.loaders.prime(relation.target, records);
  return records;
}

async function loadOwners(ctx: RequestContext, spec: ObjectSpec, ids: string[], query: RecordQuery): Promise<TwentyRecord[]> {
  const loaded = await ctx.loaders.matchingIds(spec.plural, query).loadMany(ids);
  const records: TwentyRecord[] = [];
  for (const record of loaded) {
    if (record instanceof Error) throw record;
    if (record) records.push(record);
  }
  return records;
}

/** The record's fields the schema does not know: the workspace's custom fields, by Twenty name. */
export function customFields(record: TwentyRecord, spec: ObjectSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !spec.knownFields.has(name)));
}
