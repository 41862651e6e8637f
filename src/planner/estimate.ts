/**
 * Cost before execution: how many REST calls and round trips the plan makes, and how many
 * records the response may hold, from the tree and the decisions alone.
 *
 * Calls are counted for the plan's own reads, assuming each relation batch fits in its first
 * page (a relation that holds more than a page for its parents costs one call more per page,
 * up to RELATION_SCAN_LIMIT records); root lists are assumed to hold what `first`/`last` asks.
 * Reads of one loader in one round are one batch, split in chunks of the page limit. The records
 * bound multiplies page sizes down the tree; a level that is one-to-many from distinct parents
 * is capped by the relation scan limit, which the loaders enforce.
 */
import { RELATION_SCAN_LIMIT } from '../twenty/paging.js';
import { parallelPageCalls } from '../twenty/parallel-pages.js';
import { MAX_PAGE_SIZE } from '../resolvers/connection.js';
import { countOnly, pageSize, type NodeDecision } from './decide.js';
import { allNodes, type OperationTree, type PlanNode } from './operation.js';

/** Records a root list returns without first/last (§3, the schema's default). */
const ROOT_DEFAULT = 60;
/** Targets per batch create (mutations/targets.ts). */
const TARGETS_PER_CALL = 60;

export interface CostEstimate {
  /** REST calls the plan makes if every relation batch fits in one page. */
  calls: number;
  /** Sequential steps of those calls (calls in one step run in parallel). */
  roundTrips: number;
  /** The most records the response may hold. */
  records: number;
}

interface Bound {
  records: number;
  /** Each record appears at most once at this level (one-to-many from distinct parents). */
  distinct: boolean;
}

/**
 * The most records each node may yield in the response. Used for MAX_RESPONSE_RECORDS and, by
 * the decisions, to keep depth-1 arrays to few parents.
 */
export function recordsBounds(tree: OperationTree, pageLimit: number): Map<PlanNode, Bound> {
  const bounds = new Map<PlanNode, Bound>();
  for (const node of allNodes(tree)) {
    const parent = node.parent && bounds.get(node.parent);
    let bound: Bound;
    if (countOnly(node)) bound = { records: 0, distinct: true };
    else if (node.role === 'rootList') bound = { records: Math.min(pageSize(node, ROOT_DEFAULT), MAX_PAGE_SIZE), distinct: true };
    else if (node.role === 'rootOne') bound = { records: 1, distinct: true };
    else if (node.entities) bound = { records: node.entities.count, distinct: node.entities.distinct };
    else if (node.role === 'mutation') bound = { records: Math.max(1, inputsOf(node)), distinct: true };
    else if (!parent || !node.relation) bound = { records: 0, distinct: true };
    else if (node.relation.kind === 'toOne') bound = { records: parent.records, distinct: false };
    else {
      // A plain list (a note's targets) takes no paging arguments and counts one per parent,
      // as a connection's `first` would; connections count their page size (1000 by default).
      const perParent = node.shape === 'list' ? 1 : pageSize(node, MAX_PAGE_SIZE);
      if (!node.underList) bound = { records: perParent, distinct: true };
      else {
        // A batch refuses past the scan limit once it needs more than its first pages.
        const cap = Math.max(RELATION_SCAN_LIMIT, Math.ceil(parent.records / pageLimit) * pageLimit);
        const byForeignKey = node.relation.kind === 'oneToMany';
        if (parent.distinct) bound = { records: Math.min(parent.records * perParent, cap), distinct: byForeignKey };
        else bound = { records: parent.records * Math.min(perParent, cap), distinct: false };
      }
    }
    bounds.set(node, bound);
  }
  return bounds;
}

const inputsOf = (node: PlanNode): number => {
  const inputs = (node.args as { inputs?: unknown[] }).inputs;
  return Array.isArray(inputs) ? inputs.length : 1;
};

/** One batched read: a loader identity (reads of one identity in one round share calls) and its keys. */
interface Read {
  identity: string;
  round: number;
  keys: number;
}

export function estimate(
  tree: OperationTree,
  decisions: ReadonlyMap<PlanNode, NodeDecision>,
  options: { pageLimit: number; merge: boolean; metadataCall: boolean; metadataEarly: boolean },
): CostEstimate {
  const P = options.pageLimit;
  const chunks = (keys: number) => Math.ceil(keys / P);
  const bounds = recordsBounds(tree, P);
  const expected = new Map<PlanNode, number>();
  const ready = new Map<PlanNode, number>();
  const reads: Read[] = [];
  let calls = 0;
  let roundTrips = 0;
  let mutationRound = 0;
  // The workspace metadata (target field names, SELECT options): one call, started with the
  // operation when the plan prefetches, else by the first resolver that needs it.
  if (options.metadataCall) calls += 1;
  const metadataReady = (needAt: number) => (!options.metadataCall ? 0 : options.metadataEarly ? 1 : needAt + 1);

  const batch = (node: PlanNode, identity: string, round: number, keys: number) => {
    if (keys > 0) reads.push({ identity: options.merge ? identity : `${identity}|${node.root}`, round, keys });
  };
  /** Records read for a list under one parent: explicit first/last are assumed filled, a default list one page. */
  const wantedUnderOne = (node: PlanNode) => {
    const args = node.args as { first?: number | null; last?: number | null };
    return args.first ?? args.last ?? P;
  };

  for (const node of allNodes(tree)) {
    const decision = decisions.get(node)!;
    const parentReady = node.parent ? ready.get(node.parent)! : 0;
    const parentExpected = node.parent ? expected.get(node.parent)! : 1;
    const start = decision.prefetch ? 0 : parentReady;
    let done = parentReady;
    let count = 0;
    switch (decision.source) {
      case 'count':
        calls += 1;
        done = start + 1;
        break;
      case 'page': {
        const wanted = node.role === 'rootList' ? Math.min(pageSize(node, ROOT_DEFAULT), MAX_PAGE_SIZE) : wantedUnderOne(node);
        const pages = Math.max(1, chunks(wanted));
        // Forward from the start, past the first page: ranges read in parallel (parallel-pages.ts).
        const args = node.args as { last?: number | null; after?: string | null; before?: string | null };
        const parallel = decision.parallelPages && pages > 1 && args.last == null && args.after == null && args.before == null;
        calls += parallel ? parallelPageCalls(wanted, P) : pages;
        done = start + (parallel ? 2 : pages);
        count = Math.min(wanted, MAX_PAGE_SIZE);
        break;
      }
      case 'write': {
        const rounds = writeRounds(node);
        calls += rounds;
        mutationRound += rounds;
        done = mutationRound;
        count = inputsOf(node);
        break;
      }
      case 'byId':
        if (node.entities) {
          // The reference resolvers load every representation in the operation's first tick.
          done = 1;
          for (const read of node.entities.reads) reads.push({ identity: read.identity, round: done, keys: read.keys });
          count = node.entities.count;
          break;
        }
        done = (node.role === 'rootOne' ? 0 : parentReady) + 1;
        // Root lookups all load in the operation's first tick: one batch whatever the plan.
        if (node.role === 'rootOne') reads.push({ identity: `byId:${node.object.plural}`, round: done, keys: 1 });
        else batch(node, `byId:${node.object.plural}`, done, parentExpected);
        count = node.role === 'rootOne' ? 1 : parentExpected;
        break;
      case 'free':
      case 'fromParent':
        count = node.relation?.kind === 'toOne' ? parentExpected : Math.min(parentExpected * pageSize(node, MAX_PAGE_SIZE), Math.max(1, chunks(parentExpected)) * P);
        break;
      case 'groupCount':
        done = parentReady + 1;
        batch(node, `count:${node.key}`, done, parentExpected);
        break;
      case 'batch': {
        const relation = node.relation!;
        const keys = node.underList ? parentExpected : 1;
        const perParent = node.shape === 'list' ? P : pageSize(node, MAX_PAGE_SIZE);
        count = Math.min(keys * perParent, Math.max(1, chunks(keys)) * P);
        if (relation.kind === 'throughTargets') {
          const targetsRound = Math.max(start, metadataReady(start)) + 1;
          batch(node, `fk:${relation.via}:${relation.targetKind}${decision.nestedRecords ? ':depth' : ''}`, targetsRound, keys);
          done = targetsRound;
          if (!decision.nestedRecords) {
            done = targetsRound + 1;
            const filtered = (node.args as { filter?: unknown }).filter != null;
            batch(node, filtered ? `ids:${node.key}` : `byId:${relation.target}`, done, count);
          }
        } else {
          done = start + 1;
          const { filter, orderBy } = node.args as { filter?: unknown; orderBy?: unknown };
          batch(node, `fk:${node.object.plural}:${relation.kind === 'oneToMany' ? relation.foreignKey : ''}:${JSON.stringify([filter ?? null, orderBy ?? null])}`, done, keys);
        }
        break;
      }
    }
    if (!node.select.records && decision.source !== 'write') count = 0;
    if (node.select.metadata) done = Math.max(done, metadataReady(done));
    // A report on each record (`Company.pipeline`): one groupBy batch for all of them, once they
    // are known, plus the metadata it reads (src/reports/: stages come from the workspace).
    for (const report of node.select.reports) {
      batch(node, `report:${node.key}:${report}`, done + 1, count);
      roundTrips = Math.max(roundTrips, done + 1, metadataReady(done));
    }
    expected.set(node, count);
    ready.set(node, done);
    roundTrips = Math.max(roundTrips, done);
  }

  // Reads of one loader in one round are one batch.
  const grouped = new Map<string, number>();
  for (const read of reads) {
    const key = `${read.identity}@${read.round}`;
    grouped.set(key, (grouped.get(key) ?? 0) + read.keys);
  }
  for (const keys of grouped.values()) calls += chunks(keys);

  // Root fields outside the model (another part's): one call each, in the first round.
  calls += tree.others.length;
  if (tree.others.length > 0) roundTrips = Math.max(roundTrips, 1);
  if (options.metadataCall) roundTrips = Math.max(roundTrips, 1);

  let records = 0;
  for (const node of allNodes(tree)) if (node.select.records) records += bounds.get(node)!.records;
  return { calls, roundTrips, records };
}

/** REST calls of one mutation field, one after another (operations.ts). */
function writeRounds(node: PlanNode): number {
  const field = node.fieldName;
  if (field.startsWith('delete')) return 2; // the soft delete, then reading the record back (§2 answers `{ id }`)
  if (!field.startsWith('create')) return 1;
  const inputs = ((node.args as { inputs?: unknown[]; input?: unknown }).inputs ?? [node.args.input]) as Array<{ targets?: unknown[] } | undefined>;
  const targets = inputs.reduce((sum, input) => sum + (Array.isArray(input?.targets) ? input.targets.length : 0), 0);
  return 1 + Math.ceil(targets / TARGETS_PER_CALL);
}
