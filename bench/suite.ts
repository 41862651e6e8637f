/**
 * What `bench/run.ts` runs: a list of suites. A suite measures one thing and returns its report;
 * run.ts prints it and writes bench/results/<name>.md and <name>.json (plus any files it adds).
 */
import type { BenchOptions } from './options.js';

export interface BenchContext {
  options: BenchOptions;
  log(line: string): void;
  /** Results of the suites that ran before, by suite name (the budget suite reads the screens'). */
  earlier: Map<string, SuiteReport>;
}

export interface SuiteReport {
  /** Markdown: a heading, how to read it, and tables. */
  markdown: string;
  json: unknown;
  /** Extra files for bench/results/, e.g. a chart: name → content. */
  files?: Record<string, string>;
}

export interface Suite {
  name: string;
  run(ctx: BenchContext): Promise<SuiteReport>;
}
