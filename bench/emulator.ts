/**
 * `npm run bench:emulator`: the emulator at 10,000 companies (in memory, rate limit off), timed
 * over real HTTP with a keep-alive client. Prints median/p95 per scenario and writes
 * bench/results/emulator.json. Budget (issue 2): a 60-record page within 2 ms median.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startEmulator } from '../src/emulator/index.js';

const COMPANIES = 10_000;
const WARMUP = 50;
const ITERATIONS = 500;

interface Scenario {
  name: string;
  path: () => string;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0];
  const seedStart = performance.now();
  const seedCpu = process.cpuUsage();
  const emulator = await startEmulator({ dbFile: ':memory:', companies: COMPANIES, rateLimit: false, controls: false });
  const seedMs = performance.now() - seedStart;
  // CPU time says what seeding costs even when other processes share the machine.
  const seedCpuUsed = process.cpuUsage(seedCpu);
  const seedCpuMs = (seedCpuUsed.user + seedCpuUsed.system) / 1000;
  const pool = new Pool(emulator.url, { connections: 1, pipelining: 1 });
  const headers = { authorization: `Bearer ${emulator.keys.acme}` };

  // Timed requests read the whole body but do not parse it: the client's JSON.parse is not the emulator's time.
  const fetchText = async (p: string): Promise<string> => {
    const res = await pool.request({ method: 'GET', path: p, headers });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${p} answered ${res.statusCode}: ${text.slice(0, 200)}`);
    return text;
  };
  const get = async (p: string): Promise<unknown> => JSON.parse(await fetchText(p));

  // 60 random ids for the id[in] scenario, spread over the whole table.
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = (await get(`/rest/companies?limit=200${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ''}`)) as {
      data: { companies: Array<{ id: string }> };
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    for (const c of page.data.companies) if (ids.length < 60 && Math.random() < 0.01) ids.push(c.id);
    cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (cursor && ids.length < 60);
  const idFilter = encodeURIComponent(`id[in]:[${ids.join(',')}]`);

  const scenarios: Scenario[] = [
    { name: '60-record list (companies)', path: () => '/rest/companies?limit=60' },
    { name: '60-key id[in] list (companies)', path: () => `/rest/companies?limit=60&filter=${idFilter}` },
    {
      name: 'groupBy opportunities by stage',
      path: () =>
        `/rest/opportunities/groupBy?group_by=${encodeURIComponent('[{"stage":true}]')}&aggregate=${encodeURIComponent('["totalCount","sumAmountAmountMicros"]')}`,
    },
    { name: '60-record list ordered by name', path: () => '/rest/companies?limit=60&order_by=name' },
    { name: '60-record list, depth=1 (companies)', path: () => '/rest/companies?limit=60&depth=1' },
  ];

  const results: Array<{ scenario: string; medianMs: number; p95Ms: number; iterations: number }> = [];
  for (const scenario of scenarios) {
    JSON.parse(await fetchText(scenario.path())); // the answer is valid JSON
    for (let i = 0; i < WARMUP; i++) await fetchText(scenario.path());
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const start = performance.now();
      await fetchText(scenario.path());
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results.push({ scenario: scenario.name, medianMs: +quantile(times, 0.5).toFixed(3), p95Ms: +quantile(times, 0.95).toFixed(3), iterations: ITERATIONS });
  }
  await pool.close();
  await emulator.close();

  const load = os.loadavg()[0];
  console.log(
    `Emulator at ${COMPANIES} companies: both workspaces seeded in ${(seedMs / 1000).toFixed(1)} s (${(seedCpuMs / 1000).toFixed(1)} s CPU); ` +
      `load average ${loadBefore.toFixed(1)} → ${load.toFixed(1)} on ${os.cpus().length} CPUs\n`,
  );
  console.log('| scenario | median ms | p95 ms |');
  console.log('| --- | ---: | ---: |');
  for (const r of results) console.log(`| ${r.scenario} | ${r.medianMs.toFixed(2)} | ${r.p95Ms.toFixed(2)} |`);

  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'emulator.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverage: +load.toFixed(2), companies: COMPANIES, seedMs: Math.round(seedMs), seedCpuMs: Math.round(seedCpuMs), results },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwritten ${path.relative(process.cwd(), out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
