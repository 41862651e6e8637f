/**
 * `npm run bench` (`-- --quick` for a smoke run): every suite below in turn, each printed and
 * written to bench/results/<suite>.md and .json. Knobs are BENCH_* variables (bench/options.ts,
 * README "Benchmarks"). Ratios measured in one run are what to compare: the machine is noisy.
 *
 * To add a suite: export a `Suite` (bench/suite.ts) from its own file and add it to `SUITES`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchOptions } from './options.js';
import type { BenchContext, Suite, SuiteReport } from './suite.js';
import { budgetSuite } from './suites/budget.js';
import { screensSuite } from './suites/screens.js';
import { reportsSuite } from './suites/reports.js';
import { feedsSuite } from './suites/feeds.js';

const SUITES: Suite[] = [
  screensSuite, // five CRM screens on the BFF, naive resolvers, GraphQL Mesh and the minimal REST plan
  budgetSuite, // 50 concurrent company pages under Twenty's 100 requests a minute
  reportsSuite, // each report: groupBy vs the fallback, cold vs warm, at 500 and 25,000 opportunities
  feedsSuite, // memory per SSE subscriber and change-to-event latency at 100 and 1,000 subscribers
];

async function main(): Promise<void> {
  const options = benchOptions(process.env, process.argv.slice(2));
  const selected = options.suites ? SUITES.filter((s) => options.suites!.includes(s.name)) : SUITES;
  if (options.suites && selected.length !== options.suites.length) {
    throw new Error(`BENCH_SUITES: unknown suite in '${options.suites.join(',')}' (known: ${SUITES.map((s) => s.name).join(', ')})`);
  }
  const results = new URL('./results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  const ctx: BenchContext = { options, log: (line) => console.log(line), earlier: new Map<string, SuiteReport>() };
  for (const suite of selected) {
    const started = performance.now();
    console.log(`\n== ${suite.name}${options.quick ? ' (quick)' : ''} ==`);
    const report = await suite.run(ctx);
    ctx.earlier.set(suite.name, report);
    console.log(`\n${report.markdown}`);
    writeFileSync(new URL(`${suite.name}.md`, results), report.markdown);
    writeFileSync(new URL(`${suite.name}.json`, results), JSON.stringify(report.json, null, 2) + '\n');
    for (const [name, content] of Object.entries(report.files ?? {})) writeFileSync(new URL(name, results), content);
    console.log(`${suite.name}: ${((performance.now() - started) / 1000).toFixed(0)} s, written to bench/results/${suite.name}.md`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
