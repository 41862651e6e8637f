/**
 * `npm run bench:load` (`-- --quick` for 20 seconds): the soak of bench/lib/soak.ts. Knobs:
 * BENCH_LOAD_SECONDS (default 300), BENCH_LOAD_RATE (requests a second, default 20),
 * BENCH_LOAD_LATENCY_MS (the emulator's added latency, default 5). Prints the report and writes
 * bench/results/load.md and load.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cell, table } from './lib/markdown.js';
import { runSoak, type SoakResult } from './lib/soak.js';
import { UNLIMITED_BUDGET_ENV } from './lib/processes.js';

function positive(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return n;
}

export function loadReport(r: SoakResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  return [
    `## Soak: ${r.seconds} s of mixed traffic at ${r.rate} requests a second`,
    '',
    `${r.date.slice(0, 16).replace('T', ' ')} UTC. The BFF as a child process over the emulator (demo data, ${r.latencyMs} ms added latency, its rate limit off and the BFF's budget lifted). ` +
      'Requests start on a fixed schedule whatever the answers\' speed. "unexpected": a good request that did not answer data without errors, or a bad one that was not refused with a 4xx or a GraphQL error.',
    '',
    table(
      ['sent', 'answered a second', 'p50 ms', 'p95 ms', 'p99 ms', 'error rate', 'of which deliberately bad', 'unexpected', '5xx', 'RSS start → end MB (max)', 'RSS slope MB/min', 'CPU ms/req', 'REST calls'],
      [
        [
          r.sent,
          cell(r.throughput),
          cell(r.p50),
          cell(r.p95),
          cell(r.p99),
          pct(r.errorRate),
          pct(r.badShare),
          r.unexpected,
          r.http5xx,
          `${r.rss.startMb} → ${r.rss.endMb} (${r.rss.maxMb})`,
          cell(r.rss.slopeMbPerMinute, 2),
          cell(r.cpuMsPerRequest, 2),
          r.restCalls,
        ],
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    table(
      ['kind', 'sent', 'p50 ms', 'p95 ms', 'refused as expected', 'unexpected'],
      Object.entries(r.byKind).map(([kind, s]) => [kind, s.sent, cell(s.p50), cell(s.p95), kind === 'bad' ? s.failedAsExpected : '—', s.unexpected]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    ...(r.unexpectedSamples.length ? ['', 'Unexpected answers (first ten):', '', ...r.unexpectedSamples.map((s) => `- ${s}`)] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const seconds = positive('BENCH_LOAD_SECONDS', quick ? 20 : 300);
  const rate = positive('BENCH_LOAD_RATE', 20);
  console.log(`Soak: ${seconds} s at ${rate} requests a second…`);
  const result = await runSoak({ seconds, rate, latencyMs: positive('BENCH_LOAD_LATENCY_MS', 5), bffEnv: UNLIMITED_BUDGET_ENV, log: (l) => console.log(l) });
  const markdown = loadReport(result);
  console.log(`\n${markdown}`);
  const results = new URL('./results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  writeFileSync(new URL('load.md', results), markdown);
  writeFileSync(new URL('load.json', results), JSON.stringify(result, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
