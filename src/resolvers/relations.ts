import type { RequestContext } from '../context.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';
import { isUuid } from '../loaders/batch.js';
import { getTargetFieldNames, type TargetFieldNames } from '../workspace/metadata.js';
import { checkPaging, sliceConnection, toListQuery, type Connection, type ConnectionArgs } from './connection.js';
import type { ObjectSpec } from './objects.js';
import { compareBy } from './order.js';

/** A many-to-one relation: the record its foreign key points at, through the by-id loader. */
export function toOne(ctx: RequestContext, object: ObjectPlural, id: unknown): Promise<TwentyRecord | null> | null {
  return typeof id === 'string' && isUuid(id) ? ctx.loaders.byId(object).load(id) : null;
}

/**
 * A one-to-many relation by foreign key (`people` of a company: `companyId`). All parents of one
 * request share one batched, filtered, ordered query; the page is cut per parent in memory.
 */
export async function byForeignKeyConnection(
  ctx: RequestContext,
  spec: ObjectSpec,
  field: string,
  parentId: string,
  args: ConnectionArgs,
): Promise<Connection> {
  checkPaging(args);
  const query = toListQuery(spec, args);
  const records = await ctx.loaders.byForeignKey(spec.plural, field, query).load(parentId);
  return sliceConnection(records, args, query.order);
}

/** Which kind of record a note or task target points at. */
export type TargetKind = keyof TargetFieldNames;

export interface TargetLink {
  /** `noteTargets` or `taskTargets`. */
  targets: ObjectPlural;
  /** The target's field naming its note or task: `noteId` or `taskId`. */
  ownerField: string;
  /** The notes or tasks themselves. */
  spec: ObjectSpec;
}

/**
 * Notes or tasks of a company, person or opportunity, reached through their targets (§10): one
 * batched query for the targets of all parents (by whichever target field name the server
 * uses), one batched `id[in]` query for the notes or tasks, then filter, order and page per parent.
 */
export async function throughTargetsConnection(
  ctx: RequestContext,
  link: TargetLink,
  kind: TargetKind,
  parentId: string,
  args: ConnectionArgs,
): Promise<Connection> {
  checkPaging(args);
  const query = toListQuery(link.spec, args);
  const field = (await getTargetFieldNames(ctx))[kind];
  const targets = await ctx.loaders.byForeignKey(link.targets, field).load(parentId);
  const ids = [...new Set(targets.map((target) => target[link.ownerField]).filter((id): id is string => typeof id === 'string'))];
  // Without a filter, any record will do; the by-id loader may already hold it.
  const filtered = query.filter !== undefined || query.residual !== undefined;
  const loader = ctx.loaders.matchingIds(
    link.spec.plural,
    filtered ? { key: JSON.stringify(args.filter), filter: query.filter, residual: query.residual } : { key: '' },
  );
  const loaded = await loader.loadMany(ids);
  const records: TwentyRecord[] = [];
  for (const record of loaded) {
    if (record instanceof Error) throw record;
    if (record) records.push(record);
  }
  records.sort(compareBy(query.order));
  return sliceConnection(records, args, query.order);
}

/** A target's id for one kind, under either field name (§10: `targetCompanyId` or `companyId`). */
export function targetId(target: TwentyRecord, kind: TargetKind): string | null {
  const current = target[`target${kind[0].toUpperCase()}${kind.slice(1)}Id`];
  const legacy = target[`${kind}Id`];
  const id = current ?? legacy;
  return typeof id === 'string' ? id : null;
}

/** The record's fields the schema does not know: the workspace's custom fields, by Twenty name. */
export function customFields(record: TwentyRecord, spec: ObjectSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !spec.knownFields.has(name)));
}
