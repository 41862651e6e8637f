/**
 * Reports (schema/reports.graphql): the pipeline by stage, the forecast by close period, grouped
 * aggregates of any object and the task summary, pushed down to Twenty's groupBy (§7) where the
 * server has it and computed from the records where it does not, with the same answers.
 */
import { MemoryReportStore, ReportCache, type ReportStore } from './cache.js';
import type { PipelineSettings } from './pipeline.js';

export type { ReportStore } from './cache.js';
export { RedisReportStore } from './redis-store.js';
export type { PipelineSettings } from './pipeline.js';

/** What every request's reports share: the cache (per token hash inside) and the pipeline settings. */
export interface Reports {
  cache: ReportCache;
  pipeline: PipelineSettings;
  /** Releases the store's connections (Redis). */
  close(): Promise<void>;
}

export interface ReportsOptions {
  /** `REPORT_CACHE_TTL_MS`; 0 turns the cache off. */
  cacheTtlMs: number;
  pipeline: PipelineSettings;
  /** Where cached reports live. @default a MemoryReportStore (a RedisReportStore shares them between instances) */
  store?: ReportStore;
}

export function createReports(options: ReportsOptions): Reports {
  const store: ReportStore = options.store ?? new MemoryReportStore();
  return { cache: new ReportCache(store, options.cacheTtlMs), pipeline: options.pipeline, close: async () => store.close?.() };
}
