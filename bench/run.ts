/**
 * `npm run bench`: the BFF against two baselines on the same emulator, in one run, so the ratios
 * hold on a noisy machine. The emulator adds a fixed latency per request, as a real Twenty
 * across a network would; REST calls are counted from its request log.
 *
 *  - bff:        one GraphQL query through the BFF (DataLoader batching per relation).
 *  - naive:      hand-written resolvers without batching: one REST call per parent per relation.
 *  - depth1:     Twenty's `depth=1` (relations inlined, one-to-many capped at 60) plus lookups of
 *                the contacts; what a client of the REST API would do at best by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseConfig } from '../src/config.js';
import { createApp, listen } from '../src/app.js';
import { startEmulator } from '../src/emulator/index.js';
import { benchFeeds } from './feeds.js';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const QUERY = `{
  companies(first: 60) {
    edges { node {
      id name
      accountOwner { id name { displayName } }
      people { edges { node { id name { displayName } } } }
      opportunities { edges { node { id name pointOfContact { id name { displayName } } } } }
    } }
  }
}`;

type Json = any;

async function main() {
  const emulator = await startEmulator({ dbFile: ':memory:', companies: 200, rateLimit: false, latencyMs: LATENCY_MS });
  // No rate limits on either side: the benchmark measures calls and time, not the budget.
  const config = { ...parseConfig({}), twentyApiUrl: emulator.url, twentyApiKey: emulator.keys.acme, graphiql: false, twentyRateLimitPerMinute: 0, twentyRateLimitPerSecond: 0 };
  const server = await listen(createApp(config), 0, '127.0.0.1');
  const auth = { authorization: `Bearer ${emulator.keys.acme}` };

  async function rest(path: string): Promise<Json> {
    const response = await fetch(`${emulator.url}/rest/${path}`, { headers: auth });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
  const many = (body: Json, plural: string): Json[] => body.data[plural];

  const scenarios: Record<string, () => Promise<unknown>> = {
    async bff() {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await response.json()) as Json;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async naive() {
      const companies = many(await rest('companies?limit=60'), 'companies');
      return Promise.all(
        companies.map(async (company: Json) => {
          const [owner, people, opportunities] = await Promise.all([
            company.accountOwnerId ? rest(`workspaceMembers/${company.accountOwnerId}`) : null,
            rest(`people?limit=200&filter=companyId[eq]:${company.id}`),
            rest(`opportunities?limit=200&filter=companyId[eq]:${company.id}`),
          ]);
          const contacts = await Promise.all(
            many(opportunities, 'opportunities').map((o: Json) => (o.pointOfContactId ? rest(`people/${o.pointOfContactId}`) : null)),
          );
          return { company, owner, people, contacts };
        }),
      );
    },
    async depth1() {
      const companies = many(await rest('companies?limit=60&depth=1'), 'companies');
      const contactIds = [...new Set(companies.flatMap((c: Json) => (c.opportunities ?? []).map((o: Json) => o.pointOfContactId).filter(Boolean)))];
      const contacts = [];
      for (let i = 0; i < contactIds.length; i += 200) {
        contacts.push(await rest(`people?limit=200&filter=id[in]:[${contactIds.slice(i, i + 200).join(',')}]`));
      }
      return { companies, contacts };
    },
  };

  const rows: Array<{ scenario: string; restCalls: number; medianMs: number; p95Ms: number }> = [];
  for (const [name, run] of Object.entries(scenarios)) {
    await run(); // warm-up
    emulator.reset();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    const restCalls = emulator.stats().requests.total / RUNS;
    times.sort((a, b) => a - b);
    rows.push({
      scenario: name,
      restCalls,
      medianMs: round(times[Math.floor(times.length / 2)]),
      p95Ms: round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]),
    });
  }
  const bff = rows.find((r) => r.scenario === 'bff')!;
  const table = rows.map((r) => ({
    ...r,
    callsVsBff: round(r.restCalls / bff.restCalls),
    timeVsBff: round(r.medianMs / bff.medianMs),
  }));
  console.log(`Nested query: 60 companies with owner, people, opportunities and their contacts; emulator latency ${LATENCY_MS} ms; ${RUNS} runs`);
  console.table(table);
  console.log('Note: depth1 is not equivalent: its one-to-many arrays are capped at 60 per company (twenty-rest.md §6).');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/bench.json', import.meta.url),
    JSON.stringify({ date: new Date().toISOString(), latencyMs: LATENCY_MS, runs: RUNS, results: table }, null, 2),
  );
  await server.close();
  await emulator.close();
  await (await import('./reports.js')).benchReports({ latencyMs: LATENCY_MS, runs: RUNS });
  await benchFeeds();
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
