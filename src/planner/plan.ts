/**
 * One operation's plan, made before its first REST call and kept in the request context: the
 * tree of record reads, the decision for each, and the cost estimate. Resolvers and loaders ask
 * it what to do at their path; an operation without a plan (a subscription, the planner off)
 * runs as plain per-relation batching.
 */
import { getVariableValues, Kind, type DocumentNode, type GraphQLObjectType, type FragmentDefinitionNode, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { decide, DECISIONS, readsBy, type Decision, type NodeDecision } from './decide.js';
import { estimate, recordsBounds, type CostEstimate } from './estimate.js';
import type { LoaderSite } from '../loaders/index.js';
import { specOfObject } from '../model/index.js';
import { isUuid } from '../twenty/filter-values.js';
import { toListQuery } from '../resolvers/connection.js';
import { fieldLists, type FieldLists } from './fields.js';
import { BatchMerger, mergeContributors, nextTick } from './merge.js';
import { allNodes, nodeKey, readOperation, type OperationTree, type PlanNode } from './operation.js';

/** The decisions `_entities` subtrees take: applied by the loaders and resolvers, with no site. */
const ENTITY_DECISIONS: readonly Decision[] = ['depth', 'fields'];

export interface PlanOptions {
  /** The server's page limit (§3): 200 on current Twenty, 60 on older servers. */
  pageLimit: number;
  /** Decisions to take; none means plain batching (the estimate then describes that). */
  decisions: ReadonlySet<Decision>;
  /** Whether the workspace metadata must still be read (not cached for this key). */
  metadataCached: boolean;
}

/** What a read asks of Twenty beyond its filter and order: relations at depth 1 (§6), fields (§13). */
export interface ReadOptions {
  depth?: 1;
  /** Only these fields (§13), per object for the whole operation (fields.ts). */
  fields?: readonly string[];
  /** Pages past the first read in parallel, where the order is by id (twenty/parallel-pages.ts). */
  parallelPages?: boolean;
}

/** A resolver's place in the plan: its node, the decision for it, and how its own calls read. */
export interface Site {
  node: PlanNode;
  decision: NodeDecision;
  read: ReadOptions;
}

export class OperationPlan {
  private readonly byKey = new Map<string, PlanNode>();
  /** Relations started early, by node key and parent id. */
  private readonly started = new Map<string, unknown>();
  private readonly loaderReads = new Map<string, ReadOptions>();
  /** The nodes each loader serves, by loader identity. */
  private readonly loaderSites = new Map<string, PlanNode[]>();
  private readonly merger?: BatchMerger;
  private readonly fields?: FieldLists;
  private readonly sites = new Map<PlanNode, Site>();

  constructor(
    readonly tree: OperationTree,
    readonly decisions: ReadonlyMap<PlanNode, NodeDecision>,
    readonly estimate: CostEstimate,
    readonly enabled: ReadonlySet<Decision>,
    /** The operation reads the workspace metadata (target field names, SELECT options). */
    readonly needsMetadata: boolean,
  ) {
    for (const node of tree.nodes) this.byKey.set(node.key, node);
    for (const node of tree.nodes) {
      const decision = decisions.get(node)!;
      for (const [identity, depth] of loaderReadsOf(node, decision)) {
        if (depth) this.loaderReads.set(identity, { depth: 1 });
        const sites = this.loaderSites.get(identity);
        if (sites) sites.push(node);
        else this.loaderSites.set(identity, [node]);
      }
      // A single record's relation is read through the loaders too (pooled with other single
      // parents, loaders/index.ts `ofOneParent`): at depth 1 when its children come with it. It
      // starts with the operation (prefetch), so it is no site that batches wait for.
      const single = singleParentLoader(node, decision);
      if (single && decision.depth) this.loaderReads.set(single, { depth: 1 });
    }
    // The loaders an `_entities` subtree reads through ask depth=1 when its children come that way.
    for (const node of tree.entities) {
      for (const [identity, depth] of loaderReadsOf(node, decisions.get(node)!)) if (depth) this.loaderReads.set(identity, { depth: 1 });
    }
    // `_entities` subtrees read the same objects through the same loaders: their fields count.
    if (enabled.has('fields')) this.fields = fieldLists(allNodes(tree), decisions);
    if (enabled.has('merge')) {
      const contributors = mergeContributors(this.loaderSites);
      if (contributors.size > 0) this.merger = new BatchMerger((identity) => contributors.get(identity));
    }
  }

  /** When a loader's batch is sent (DataLoader's `batchScheduleFn`): held while it may still merge. */
  scheduleBatch(site: LoaderSite, callback: () => void): void {
    if (this.merger) this.merger.schedule(identityOf(site), callback);
    else nextTick(callback);
  }

  /** A loader's call in flight, for the batches waiting on it. */
  trackLoader(site: LoaderSite, call: Promise<unknown>): void {
    this.merger?.track(this.loaderSites.get(identityOf(site)) ?? [], call);
  }

  /** A node's own call in flight (a root list, a connection under one parent). */
  trackNode(node: PlanNode, call: Promise<unknown>): void {
    this.merger?.track([node], call);
  }

  /**
   * How a loader reads for this operation: depth=1 when some node it serves has children that
   * come with their parents. One answer per loader, so every record it caches is read alike.
   */
  loaderOptions(site: LoaderSite): ReadOptions | undefined {
    const read = this.loaderReads.get(identityOf(site));
    const fields = this.fields?.forRead(site.object, read?.depth === 1);
    return { ...read, ...(fields ? { fields } : {}), ...(this.enabled.has('parallel-pages') ? { parallelPages: true } : {}) };
  }

  /** The node a resolver runs for, found by its response path (list indices left out). */
  nodeAt(info: Pick<GraphQLResolveInfo, 'path' | 'parentType'>): PlanNode | undefined {
    const keys: string[] = [];
    for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) {
      if (typeof at.key === 'string') keys.push(at.key);
    }
    return this.byKey.get(nodeKey(keys.reverse(), info.parentType.name));
  }

  /** The site a resolver runs at, or undefined when the plan does not know it. */
  siteAt(info: Pick<GraphQLResolveInfo, 'path' | 'parentType'>): Site | undefined {
    const node = this.nodeAt(info);
    return node && this.site(node);
  }

  site(node: PlanNode): Site {
    let site = this.sites.get(node);
    if (!site) this.sites.set(node, (site = this.siteOf(node)));
    return site;
  }

  private siteOf(node: PlanNode): Site {
    const decision = this.decisions.get(node)!;
    const fields = this.fields?.forRead(node.object.plural, decision.depth);
    return { node, decision, read: { ...(decision.depth ? { depth: 1 } : {}), ...(fields ? { fields } : {}), parallelPages: decision.parallelPages } };
  }

  /**
   * A single record's relations that hang off its id (one-to-many, notes and tasks through
   * targets) start now, from the argument id, in parallel with the record itself: each child's
   * own resolver runs with the id as its parent, and its answer waits for the real parent.
   */
  prefetch(ctx: unknown, info: GraphQLResolveInfo, id: unknown): void {
    if (typeof id !== 'string' || !isUuid(id)) return;
    const node = this.nodeAt(info);
    if (!node) return;
    for (const child of node.children) {
      if (!this.decisions.get(child)?.prefetch) continue;
      const parentType = info.schema.getType(child.parentType) as GraphQLObjectType;
      const resolve = parentType.getFields()[child.fieldName]?.resolve;
      if (!resolve) continue;
      const childInfo: GraphQLResolveInfo = {
        ...info,
        fieldName: child.fieldName,
        parentType,
        path: { prev: info.path, key: child.responseKey, typename: child.parentType },
      };
      let started: unknown;
      try {
        started = resolve({ id: id.toLowerCase() }, child.args, ctx, childInfo);
      } catch (error) {
        started = Promise.reject(error);
      }
      // The record may not exist, and then nothing awaits this: never an unhandled rejection.
      if (started instanceof Promise) started.catch(() => undefined);
      this.started.set(`${child.key}|${id.toLowerCase()}`, started);
    }
  }

  /** What `prefetch` started for this resolver and parent, if anything (taken once). */
  prefetched(info: Pick<GraphQLResolveInfo, 'path' | 'parentType'>, parentId: string): { value: unknown } | undefined {
    if (this.started.size === 0) return undefined;
    const node = this.nodeAt(info);
    const key = node && `${node.key}|${parentId.toLowerCase()}`;
    if (!key || !this.started.has(key)) return undefined;
    const value = this.started.get(key);
    this.started.delete(key);
    return { value };
  }

  has(decision: Decision): boolean {
    return this.enabled.has(decision);
  }
}

const identityOf = (site: LoaderSite): string =>
  site.kind === 'byId' ? `byId:${site.object}` : site.kind === 'ids' ? `ids:${site.object}:${site.queryKey}` : `fk:${site.object}:${site.field}:${site.queryKey}`;

/** The loader a single parent's one-to-many connection is read through, when it is paged (or may be, past its depth-1 array). */
function singleParentLoader(node: PlanNode, decision: NodeDecision): string | undefined {
  const relation = node.relation;
  if (node.underList || relation?.kind !== 'oneToMany' || relation.list) return undefined;
  if (!readsBy(decision, 'page')) return undefined;
  return foreignKeyLoader(node, relation.foreignKey);
}

/** The identity of the by-foreign-key loader of a node's connection, from its arguments; none for a bad filter. */
function foreignKeyLoader(node: PlanNode, foreignKey: string): string | undefined {
  try {
    return `fk:${node.object.plural}:${foreignKey}:${toListQuery(specOfObject(node.object.plural), node.args).key}`;
  } catch {
    return undefined; // a bad filter fails in execution
  }
}

/** The loaders a node's own reads go through (src/loaders/index.ts identities), and whether each reads at depth 1. */
function loaderReadsOf(node: PlanNode, decision: NodeDecision): Array<[string, boolean]> {
  const relation = node.relation;
  if (decision.source === 'byId') return [[`byId:${node.object.plural}`, decision.depth]];
  if (decision.source !== 'batch' || !relation) return [];
  if (relation.kind === 'throughTargets') {
    // The targets by the parent's kind, under either field name (§10), with the notes or tasks
    // nested when they come that way; else the records by id.
    const kind = relation.targetKind;
    const capital = kind[0].toUpperCase() + kind.slice(1);
    const reads: Array<[string, boolean]> = [
      [`fk:${relation.via}:target${capital}Id:`, decision.nestedRecords],
      [`fk:${relation.via}:${kind}Id:`, decision.nestedRecords],
    ];
    const filter = (node.args as { filter?: unknown }).filter;
    if (!decision.nestedRecords) reads.push([filter == null ? `byId:${relation.target}` : `ids:${relation.target}:${JSON.stringify(filter)}`, decision.depth]);
    return reads;
  }
  if (relation.kind !== 'oneToMany') return [];
  if (relation.list) return [[`fk:${node.object.plural}:${relation.foreignKey}:`, decision.depth]];
  const identity = foreignKeyLoader(node, relation.foreignKey);
  return identity ? [[identity, decision.depth]] : [];
}

/** Plans a query or mutation; subscriptions and unknown operations get no plan. */
export function planOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  /** As the request sent them; coerced here. */
  variables: Record<string, unknown> | undefined | null,
  options: PlanOptions,
): OperationPlan | undefined {
  let operation: OperationDefinitionNode | undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    else if (definition.kind === Kind.OPERATION_DEFINITION && (operationName ? definition.name?.value === operationName : !operation)) {
      operation = definition;
    }
  }
  if (!operation || operation.operation === 'subscription') return undefined;
  // Variables as execution will see them; invalid ones fail execution before any call.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return undefined;
  const tree = readOperation(schema, operation, fragments, coerced.coerced);
  const bounds = recordsBounds(tree, options.pageLimit);
  const facts = { pageLimit: options.pageLimit, parentsBound: (node: PlanNode) => (node.parent ? bounds.get(node.parent)!.records : 1) };
  const decisions = decide(tree.nodes, options.decisions, facts);
  // `_entities` subtrees are no sites of the plan (operation.ts): of its decisions they take only
  // those the loaders and resolvers apply by themselves, whoever reads: depth=1 on a loader's
  // reads (relations then come from the records) and the fields lists.
  const forEntities = new Set(ENTITY_DECISIONS.filter((decision) => options.decisions.has(decision)));
  for (const [node, decision] of decide(tree.entities, forEntities, facts)) decisions.set(node, decision);
  const needsMetadata = allNodes(tree).some((node) => node.relation?.kind === 'throughTargets' || node.select.metadata);
  const cost = estimate(tree, decisions, {
    pageLimit: options.pageLimit,
    merge: options.decisions.has('merge'),
    metadataCall: needsMetadata && !options.metadataCached,
    metadataEarly: options.decisions.has('prefetch'),
  });
  return new OperationPlan(tree, decisions, cost, options.decisions, needsMetadata);
}

export { DECISIONS, type Decision };
