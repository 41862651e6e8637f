/**
 * The planner's choices, made once per operation from the whole tree (operation.ts) before the
 * first REST call. Each choice is one named decision that can be switched off
 * (`QUERY_PLANNER=no-depth,…`), and the estimate (estimate.ts) reads the same choices, so what is
 * estimated is what runs.
 */
import { specOfObject, type ObjectModel } from '../model/index.js';
import { buildFilter, type FilterInput } from '../twenty/filter.js';
import type { Decision } from './decisions.js';
import type { PlanNode } from './operation.js';

export { DECISIONS, type Decision } from './decisions.js';

/**
 * How a node's records (or count) are obtained.
 * - `page`: read by Twenty page by page (a root list, or a connection under one parent with its
 *   foreign key in the filter).
 * - `count`: only `totalCount` is asked: one call of one record, whatever `first` says.
 * - `byId`: the by-id loader (root lookups, to-one relations).
 * - `batch`: a by-key loader for all the parents at once, read to the end (one-to-many under a list).
 * - `groupCount`: only `totalCount` under a list: one grouped count for all the parents (§7).
 * - `fromParent`: served from the parent's own call at depth=1 (§6); parents whose arrays may be
 *   cut fall back to `batch` (or `groupCount`).
 * - `free`: the parent's own parent (a person's company under that company's people): in hand.
 * - `write`: a mutation.
 */
export type Source = 'page' | 'count' | 'byId' | 'batch' | 'groupCount' | 'fromParent' | 'free' | 'write';

export interface NodeDecision {
  source: Source;
  /** This node's own call asks depth=1, because some child is `fromParent`. */
  depth: boolean;
  /** A single record's relation, started from the argument id in parallel with the record. */
  prefetch: boolean;
  /** Through targets: the notes or tasks come nested in the targets (depth=1 on the targets call). */
  nestedRecords: boolean;
  /** A root list read past its first page in parallel, from the first page's totalCount. */
  parallelPages: boolean;
  /**
   * How parents whose depth-1 array may be cut are served: under a list, by batch or a grouped
   * count when only counted; under a single record, by its own page or a count of one record.
   */
  fallback?: 'batch' | 'groupCount' | 'page' | 'count';
}

/** Whether a node's records (those not in its parent's depth-1 array, if any) are read `way`. */
export const readsBy = (decision: NodeDecision | undefined, way: Source): boolean => decision?.source === way || decision?.fallback === way;

/**
 * §6: one-to-many arrays at depth 1 hold at most 60 records, and Twenty cuts them across all the
 * parents of a call (`take(60 × parents)`, in no set order), so they are exact only when short.
 */
export const DEPTH_ARRAY_CAP = 60;

/**
 * The most parents whose depth-1 arrays stay under the relation scan limit (5,000 records,
 * RELATION_SCAN_LIMIT): past that a relation level is read by batch, which enforces the limit.
 */
export const MAX_DEPTH_ARRAY_PARENTS = 83;

/** Whether only `totalCount` (and `__typename`) is asked of a connection. */
export const countOnly = (node: PlanNode): boolean =>
  node.shape === 'connection' && node.select.totalCount && !node.select.records && !node.select.pageInfo && !node.select.cursors;

/** No filter, and id ascending as the only order (§5): the order of a depth-1 array once sorted by id. */
function plainArgs(node: PlanNode): boolean {
  const args = node.args as { filter?: unknown; orderBy?: Array<{ field: string; direction?: string }> | null };
  const orderBy = args.orderBy ?? [];
  const idOnly = orderBy.every((o) => o.field === 'ID' && (o.direction ?? 'ASC') === 'ASC');
  return (args.filter === undefined || args.filter === null) && idOnly;
}

/** A filter the BFF must check record by record (§4: a value Twenty cannot express). */
export function hasResidual(node: PlanNode): boolean {
  const filter = (node.args as { filter?: unknown }).filter;
  if (filter === undefined || filter === null) return false;
  try {
    return buildFilter(filter as FilterInput, specOfObject(node.object.plural).filterFields).residual !== undefined;
  } catch {
    return false; // execution reports the bad filter
  }
}

/** A person's company under that company's people: the to-one points back at the grandparent. */
function pointsBack(node: PlanNode): boolean {
  const relation = node.relation;
  const via = node.parent?.relation;
  const grandparent = node.parent?.parent;
  return (
    relation?.kind === 'toOne' &&
    via?.kind === 'oneToMany' &&
    via.foreignKey === relation.foreignKey &&
    grandparent !== undefined &&
    grandparent.object.plural === relation.target
  );
}

/** The records a node yields at most (first/last, or the defaults), for the depth-array bound. */
export function pageSize(node: PlanNode, nestedDefault: number): number {
  const args = node.args as { first?: number | null; last?: number | null };
  return args.first ?? args.last ?? nestedDefault;
}

/**
 * A single record's relation that needs nothing beyond its own records: no relation under it
 * but the record it hangs from (`company(id) { people { company { id } } }`). Taken from the
 * record's depth-1 array, it costs no call and no round trip of its own; one with relations
 * below is better read on its own at depth=1, in parallel with the record (`prefetch`).
 */
const selfContained = (node: PlanNode): boolean => node.children.every((child) => pointsBack(child) && child.children.length === 0);

/** Whether a node's records come from a call of ours that can ask depth=1 for its children. */
function canAskDepth(node: PlanNode, decision: NodeDecision, model: ObjectModel, wholeRecords: ReadonlySet<string>): boolean {
  // Depth-1 relations the schema does not know would look like custom fields to any reader of
  // the object (records are shared through the by-id cache).
  if (wholeRecords.has(model.plural)) return false;
  if (model.plural === 'noteTargets' || model.plural === 'taskTargets') return false;
  if (decision.nestedRecords) return false; // nested records carry no relations (§6)
  // `_entities` found by an alternative key go through a by-value loader that reads no depth.
  if (node.entities?.reads.some((read) => !read.identity.startsWith('byId:'))) return false;
  return decision.source === 'page' || decision.source === 'byId' || decision.source === 'batch';
}

export interface PlanFacts {
  /** The server's page limit (§3). */
  pageLimit: number;
  /** Parent records a node may have, from the records bound (estimate.ts). */
  parentsBound(node: PlanNode): number;
}

/** Decides every node, parents before children. */
export function decide(nodes: readonly PlanNode[], enabled: ReadonlySet<Decision>, facts: PlanFacts): Map<PlanNode, NodeDecision> {
  const decisions = new Map<PlanNode, NodeDecision>();
  const wholeRecords = new Set(nodes.filter((node) => node.select.allFields).map((node) => node.object.plural as string));
  for (const node of nodes) {
    const decision: NodeDecision = { source: 'page', depth: false, prefetch: false, nestedRecords: false, parallelPages: false };
    decisions.set(node, decision);
    const parent = node.parent;
    const parentDecision = parent && decisions.get(parent);
    const counting = countOnly(node) && !hasResidual(node);
    if (node.role === 'mutation') {
      decision.source = 'write';
    } else if (node.role === 'rootList') {
      decision.source = enabled.has('count') && counting ? 'count' : 'page';
      decision.parallelPages = enabled.has('parallel-pages') && decision.source === 'page';
    } else if (node.role === 'rootOne' || node.role === 'entities') {
      decision.source = 'byId';
    } else if (parent && parentDecision && node.relation) {
      const relation = node.relation;
      const fromParentPossible =
        enabled.has('depth') &&
        canAskDepth(parent, parentDecision, parent.object, wholeRecords) &&
        (relation.kind === 'toOne' || (facts.parentsBound(node) <= MAX_DEPTH_ARRAY_PARENTS && node.underList));
      if (relation.kind === 'toOne') {
        decision.source = pointsBack(node) ? 'free' : fromParentPossible ? 'fromParent' : 'byId';
      } else if (!node.underList) {
        // One parent: its short array at depth 1 when the relation needs nothing more (the
        // parent's call brings it, §6), else paged by Twenty from the parent's id; a root
        // lookup's relations start with it.
        const own = relation.kind === 'throughTargets' || (relation.kind === 'oneToMany' && relation.list) ? 'batch' : enabled.has('count') && counting ? 'count' : 'page';
        const byArray =
          enabled.has('depth') &&
          relation.kind === 'oneToMany' &&
          canAskDepth(parent, parentDecision, parent.object, wholeRecords) &&
          plainArgs(node) &&
          selfContained(node);
        if (byArray) {
          decision.source = 'fromParent';
          if (own !== 'batch') decision.fallback = own;
          decision.parallelPages = enabled.has('parallel-pages') && own === 'page';
        } else {
          decision.source = own;
          decision.prefetch = enabled.has('prefetch') && parent.role === 'rootOne';
          decision.parallelPages = enabled.has('parallel-pages') && decision.source === 'page';
        }
      } else {
        const groupCount = relation.kind === 'oneToMany' && !relation.list && counting && enabled.has('group-count');
        const byArrays = fromParentPossible && relation.kind === 'oneToMany' && (relation.list || plainArgs(node));
        decision.source = byArrays ? 'fromParent' : groupCount ? 'groupCount' : 'batch';
        if (byArrays) decision.fallback = groupCount ? 'groupCount' : 'batch';
      }
      if (relation.kind === 'throughTargets') {
        // Notes or tasks nested in their targets (depth=1 on the targets call): exact when the
        // caller does not filter them (a soft-deleted one comes as null, as `id[in]` leaves it out).
        const filter = (node.args as { filter?: unknown }).filter;
        decision.nestedRecords = enabled.has('depth') && (filter === undefined || filter === null);
      }
      if (decision.source === 'fromParent') parentDecision.depth = true;
    }
  }
  return decisions;
}
