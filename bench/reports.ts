/**
 * Reports in `npm run bench`: REST calls and median time per report, pushed down to groupBy
 * (current profile) and computed from the records (the `--legacy` profile, without groupBy: pages
 * of 60), cold (REPORT_CACHE_TTL_MS=0) and warm (cached), at 500 and 25,000 opportunities (demo
 * sizes 200 and 10,000 companies). The fallback's calls are compared with the fewest pages that
 * could hold the opportunities it reads. `BENCH_REPORT_SIZES=200` keeps the small size only.
 */
import { parseConfig, type Config } from '../src/config.js';
import { createApp, listen, type RunningServer } from '../src/app.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';

const REPORTS: Record<string, string> = {
  pipeline: '{ pipeline { count totals { amountMicros currencyCode } stages { stage count averages { amountMicros } } } }',
  forecast: '{ forecast(from: "2026-01-01", to: "2028-01-01") { periods { count totals { amountMicros } won { amountMicros } } } }',
  companiesPipeline: '{ companies(first: 60) { edges { node { pipeline { count totals { amountMicros currencyCode } } } } } }',
  groupsByStageAndOwner: '{ opportunityGroups(by: [STAGE, OWNER_ID]) { key count sums { money { amountMicros } } } }',
  taskSummary: '{ taskSummary { open overdue byAssignee { count } } }',
};

interface Row {
  opportunities: number;
  report: string;
  path: 'groupBy' | 'fallback';
  cache: 'cold' | 'warm';
  /** Calls on the report's own objects, per run. */
  restCalls: number;
  /** Workspace metadata reads (cached 60 s, so now and then during long runs), per run. */
  metadataCalls: number;
  p50Ms: number;
  minPages?: number;
}

type Json = any;

async function timed(server: RunningServer, emulator: Emulator, key: string, query: string, runs: number): Promise<{ calls: number; metadata: number; p50: number }> {
  const run = async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as Json;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  await run(); // warm-up: metadata, page limit and groupBy support are learned once, not measured
  emulator.reset();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const { total, byObject } = emulator.stats().requests;
  const metadata = total - Object.values(byObject).reduce((sum, n) => sum + n, 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { calls: round((total - metadata) / runs), metadata: round(metadata / runs), p50: round(times[Math.floor(times.length / 2)]) };
}

async function opportunityCount(emulator: Emulator): Promise<number> {
  const response = await fetch(`${emulator.url}/rest/opportunities?limit=0`, { headers: { authorization: `Bearer ${emulator.keys.acme}` } });
  return ((await response.json()) as Json).totalCount;
}

export async function benchReports(options: { latencyMs: number; runs: number }): Promise<Row[]> {
  const sizes = (process.env.BENCH_REPORT_SIZES ?? '200,10000').split(',').map(Number);
  const rows: Row[] = [];
  for (const companies of sizes) {
    for (const legacy of [false, true]) {
      const emulator = await startEmulator({ dbFile: ':memory:', companies, legacy, rateLimit: false, latencyMs: options.latencyMs });
      const opportunities = await opportunityCount(emulator);
      const pageLimit = legacy ? 60 : 200;
      for (const cache of ['cold', 'warm'] as const) {
        // The BFF's outbound budget is lifted as the emulator's is: this times reports, not the budget.
        const config: Config = {
          ...parseConfig({}),
          twentyApiUrl: emulator.url,
          graphiql: false,
          reportCacheTtlMs: cache === 'cold' ? 0 : 600_000,
          twentyRateLimitPerMinute: 0,
          twentyRateLimitPerSecond: 0,
          logLevel: 'silent',
        };
        const server = await listen(createApp(config), 0, '127.0.0.1');
        for (const [report, query] of Object.entries(REPORTS)) {
          // A full scan at 25,000 opportunities and 5 ms a page takes seconds: fewer runs there.
          const runs = legacy && cache === 'cold' && companies > 1000 ? Math.min(3, options.runs) : options.runs;
          const { calls, metadata, p50 } = await timed(server, emulator, emulator.keys.acme, query, runs);
          const row: Row = { opportunities, report, path: legacy ? 'fallback' : 'groupBy', cache, restCalls: calls, metadataCalls: metadata, p50Ms: p50 };
          if (legacy && cache === 'cold' && report === 'pipeline') row.minPages = Math.ceil(opportunities / pageLimit);
          rows.push(row);
        }
        await server.close();
      }
      await emulator.close();
    }
  }
  return rows;
}
