/**
 * Reports (schema/reports.graphql): the pipeline by stage, the forecast by close period, grouped
 * aggregates of any object and the task summary, pushed down to Twenty's groupBy (§7) where the
 * server has it and computed from the records where it does not, with the same answers.
 */
import { notify } from '../hooks.js';
import { MemoryReportStore, ReportCache, type ReportStore } from './cache.js';
import type { PipelineSettings } from './pipeline.js';

/** What every request's reports share: the cache (per token hash inside) and the pipeline settings. */
export interface Reports {
  cache: ReportCache;
  pipeline: PipelineSettings;
}

export interface ReportsOptions {
  /** `REPORT_CACHE_TTL_MS`; 0 turns the cache off. */
  cacheTtlMs: number;
  pipeline: PipelineSettings;
  /** Where cached reports live. @default a MemoryReportStore */
  store?: ReportStore;
  /** Told of every lookup of a cached report, hit or miss (metrics). */
  onLookup?: (hit: boolean) => void;
}

export function createReports(options: ReportsOptions): Reports {
  const store = options.store ?? new MemoryReportStore();
  return { cache: new ReportCache(options.onLookup ? observed(store, options.onLookup) : store, options.cacheTtlMs), pipeline: options.pipeline };
}

/** The same store, telling `onLookup` whether each read found an entry; counted from outside the cache, whatever its store. */
function observed(store: ReportStore, onLookup: (hit: boolean) => void): ReportStore {
  return {
    get: async (key) => {
      const value = await store.get(key);
      notify(onLookup, value !== undefined);
      return value;
    },
    set: (key, value, ttlMs) => store.set(key, value, ttlMs),
    generation: (scope) => store.generation(scope),
    bump: (scope) => store.bump(scope),
  };
}
