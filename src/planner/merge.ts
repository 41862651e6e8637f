/**
 * Merging batches across sibling root fields and aliases (`a: opportunities(…) { company }`,
 * `b: opportunities(…) { company }`): each alias's list answers at its own time, so DataLoader
 * alone would send one `companies?filter=id[in]…` per alias. A batch of a loader that serves
 * several root fields waits, before it is sent, while a REST call is in flight for a node above
 * one of the loader's other sites: when that call answers, its records' keys join the batch.
 *
 * It waits only for calls already in flight, which always end, so no batch can wait for
 * another waiting batch: no deadlock. A loader that serves one root field is never held, so an
 * operation with nothing to merge gains no latency.
 */
import type { PlanNode } from './operation.js';

/** DataLoader's own schedule: after the current promise jobs, on the next tick. */
export const nextTick = (callback: () => void): void => {
  void Promise.resolve().then(() => process.nextTick(callback));
};

export class BatchMerger {
  private readonly inFlight = new Map<PlanNode, number>();
  private waiting: Array<{ contributors: ReadonlySet<PlanNode>; callback: () => void }> = [];
  private checking = false;

  /**
   * @param contributorsOf for a loader identity, the nodes whose in-flight calls may still add
   *   keys to its batch; undefined when the loader serves a single root field.
   */
  constructor(private readonly contributorsOf: (identity: string) => ReadonlySet<PlanNode> | undefined) {}

  /** DataLoader's `batchScheduleFn` for a loader identity. */
  schedule(identity: string, callback: () => void): void {
    const contributors = this.contributorsOf(identity);
    if (!contributors || !this.busy(contributors)) return nextTick(callback);
    this.waiting.push({ contributors, callback });
  }

  /** Counts `call` as in flight for `nodes` until it settles. */
  track(nodes: readonly PlanNode[], call: Promise<unknown>): void {
    if (nodes.length === 0) return;
    for (const node of nodes) this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    const done = () => {
      for (const node of nodes) this.inFlight.set(node, this.inFlight.get(node)! - 1);
      this.wake();
    };
    call.then(done, done);
  }

  private busy(contributors: ReadonlySet<PlanNode>): boolean {
    for (const node of contributors) if ((this.inFlight.get(node) ?? 0) > 0) return true;
    return false;
  }

  /**
   * After a call settles, its answer flows through promise jobs into child resolvers, which add
   * keys; `setImmediate` runs once those have run. Batches whose contributors are all quiet then go.
   */
  private wake(): void {
    if (this.checking || this.waiting.length === 0) return;
    this.checking = true;
    setImmediate(() => {
      this.checking = false;
      const ready = this.waiting.filter((w) => !this.busy(w.contributors));
      this.waiting = this.waiting.filter((w) => this.busy(w.contributors));
      for (const { callback } of ready) callback();
    });
  }
}

/**
 * For each loader identity whose sites hang under two root fields or more, the nodes above its
 * sites (each site's ancestors, itself excluded): their calls may still bring keys.
 */
export function mergeContributors(sitesByIdentity: ReadonlyMap<string, readonly PlanNode[]>): Map<string, Set<PlanNode>> {
  const contributors = new Map<string, Set<PlanNode>>();
  for (const [identity, sites] of sitesByIdentity) {
    if (new Set(sites.map((site) => site.root)).size < 2) continue;
    const above = new Set<PlanNode>();
    for (const site of sites) for (let node = site.parent; node; node = node.parent) above.add(node);
    contributors.set(identity, above);
  }
  return contributors;
}
