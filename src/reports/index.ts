/**
 * Reports (schema/reports.graphql): the pipeline by stage, the forecast by close period, grouped
 * aggregates of any object and the task summary, pushed down to Twenty's groupBy (§7) where the
 * server has it and computed from the records where it does not, with the same answers.
 */
import { MemoryReportStore, ReportCache, type ReportStore } from './cache.js';
import type { PipelineSettings } from './pipeline.js';

export type { ReportStore } from './cache.js';
export type { PipelineSettings } from './pipeline.js';

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
}

export function createReports(options: ReportsOptions): Reports {
  return { cache: new ReportCache(options.store ?? new MemoryReportStore(), options.cacheTtlMs), pipeline: options.pipeline };
}
