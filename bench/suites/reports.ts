/** The reports suite (bench/reports.ts): REST calls and p50 per report, groupBy vs fallback, cold vs warm. */
import { benchReports } from '../reports.js';
import { table } from '../lib/markdown.js';
import type { Suite } from '../suite.js';

export const reportsSuite: Suite = {
  name: 'reports',
  async run(ctx) {
    const latencyMs = ctx.options.latencies.at(-1) ?? 5;
    const rows = await benchReports({ latencyMs, runs: ctx.options.runs });
    const markdown = [
      `## Reports (emulator latency ${latencyMs} ms)`,
      '',
      'REST calls and median time per report: pushed down to groupBy (current server) or read from the records (`--legacy`, pages of 60), cold (`REPORT_CACHE_TTL_MS=0`) and warm. `minPages` is the fewest pages that hold every opportunity.',
      '',
      table(
        ['opportunities', 'report', 'path', 'cache', 'REST calls', 'metadata calls', 'p50 ms', 'min pages'],
        rows.map((r) => [r.opportunities, r.report, r.path, r.cache, r.restCalls, r.metadataCalls, r.p50Ms, r.minPages ?? '']),
      ),
    ].join('\n');
    return { markdown, json: { latencyMs, runs: ctx.options.runs, results: rows } };
  },
};
