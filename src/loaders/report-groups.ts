import DataLoader from 'dataloader';
import { idKey } from './by-id.js';

/**
 * Batches a report asked under a list of parents (`companies { pipeline }`): every parent of the
 * same report (`reportKey`: object, grouping and filter) in one batch, handed to `batch`, which
 * answers in one groupBy call where it can (src/reports/). Keys are parent ids, matched in any
 * case; the batch must answer in key order, a value or an Error per key.
 */
export type ReportBatch<V> = (keys: readonly string[]) => Promise<Array<V | Error>>;

export function createReportGroupLoaders() {
  const loaders = new Map<string, DataLoader<string, unknown>>();

  /** The request's loader for `reportKey`, which must start with the object plural and a NUL. */
  function reportGroups<V>(reportKey: string, batch: ReportBatch<V>): DataLoader<string, V> {
    let loader = loaders.get(reportKey) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { cacheKeyFn: idKey });
      loaders.set(reportKey, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** After a write to `object`: its reports are read again. */
  function invalidate(object: string): void {
    for (const key of [...loaders.keys()]) if (key.startsWith(`${object}\u0000`)) loaders.delete(key);
  }

  return { reportGroups, invalidate };
}
