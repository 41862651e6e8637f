/**
 * The soak (`npm run bench:load`, and a 20-second version in the test suite): mixed traffic at a
 * fixed rate against the BFF as a child process over the emulator. Lists, details, searches,
 * mutations (updates, creates and the destroys of what was created, so the data stays the same
 * size) and deliberately bad requests. A good request must answer data without errors; a bad one
 * must be refused (4xx, or 200 with errors), and no request may get a 5xx. The BFF's RSS is
 * sampled every second; its slope after a warm-up quarter says whether memory grows.
 */
import type { Emulator } from '../../src/emulator/index.js';
import { SCREENS } from '../screens/index.js';
import { datasetEmulator, screenData } from './datasets.js';
import { postBody, postGraphQL, type GraphQLAnswer } from './graphql.js';
import { openLoop } from './load.js';
import { startBff, type ServerProcess } from './processes.js';
import { percentiles, round, slope } from './stats.js';

export interface SoakOptions {
  seconds: number;
  /** Requests a second, sent whatever the answers' speed. */
  rate: number;
  /** Added emulator latency per REST call. */
  latencyMs?: number;
  /** Extra variables for the BFF process. */
  bffEnv?: Record<string, string>;
  log?(line: string): void;
}

export interface KindStats {
  sent: number;
  failedAsExpected: number;
  unexpected: number;
  p50: number;
  p95: number;
}

export interface SoakResult {
  date: string;
  seconds: number;
  rate: number;
  latencyMs: number;
  sent: number;
  skipped: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  http5xx: number;
  /** Answers that were not what their kind expects: a good request failing, a bad one accepted. */
  unexpected: number;
  unexpectedSamples: string[];
  /** Share of all requests that were refused or failed (deliberately bad ones included). */
  errorRate: number;
  /** Share of all requests that were deliberately bad. */
  badShare: number;
  byKind: Record<string, KindStats>;
  rss: { startMb: number; endMb: number; maxMb: number; slopeMbPerMinute: number; series: Array<[seconds: number, mb: number]> };
  cpuMsPerRequest: number;
  restCalls: number;
}

interface Ctx {
  url: string;
  key: string;
  companyIds: string[];
  texts: string[];
  created: string[];
  n: number;
}

type Outcome = { ok: boolean; answer: GraphQLAnswer };
interface Kind {
  name: string;
  weight: number;
  bad?: boolean;
  send(ctx: Ctx): Promise<GraphQLAnswer>;
}

const ok = (a: GraphQLAnswer) => a.status === 200 && !!a.body?.data && !a.body.errors?.length;
const gql = (ctx: Ctx, query: string, variables?: Record<string, unknown>, key: string | null = ctx.key) => postGraphQL(ctx.url, query, variables, key);
const screen = (id: string) => SCREENS.find((s) => s.id === id)!;
const pick = <T>(xs: T[], n: number) => xs[n % xs.length];

const LIST = `query SoakList($after: String, $min: Int) {
  companies(first: 20, after: $after, filter: { employees: { gte: $min } }, orderBy: [{ field: NAME }]) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node { id name employees accountOwner { name { displayName } } people(first: 3) { edges { node { id name { displayName } } } } } }
  }
}`;
const PERSON = `query SoakPerson($id: ID!) { person(id: $id) { id name { displayName } company { name } opportunities { totalCount } } }`;
const PEOPLE_OF = `query SoakPeopleOf($id: ID!) { company(id: $id) { people(first: 1) { edges { node { id } } } } }`;

const KINDS: Kind[] = [
  { name: 'list', weight: 25, send: (c) => gql(c, LIST, { min: (c.n * 37) % 5000 }) },
  { name: 'detail', weight: 20, send: (c) => gql(c, screen('b').bff.query, { id: pick(c.companyIds, c.n) }) },
  {
    name: 'person',
    weight: 10,
    async send(c) {
      const first = await gql(c, PEOPLE_OF, { id: pick(c.companyIds, c.n) });
      const id = first.body?.data?.company?.people?.edges?.[0]?.node?.id;
      return id ? gql(c, PERSON, { id }) : first;
    },
  },
  { name: 'search', weight: 10, send: (c) => gql(c, screen('d').bff.query, { text: pick(c.texts, c.n) }) },
  {
    name: 'update',
    weight: 8,
    send: (c) => gql(c, `mutation SoakUpdate($id: ID!, $n: Int) { updateCompany(id: $id, input: { employees: $n }) { id employees } }`, { id: pick(c.companyIds, c.n), n: 10 + (c.n % 500) }),
  },
  {
    name: 'create',
    weight: 8,
    async send(c) {
      const answer = await gql(c, `mutation SoakCreate($name: String) { createOpportunity(input: { name: $name, stage: "NEW", amount: { amount: 1000, currencyCode: "EUR" } }) { id } }`, { name: `Soak ${c.n}` });
      const id = answer.body?.data?.createOpportunity?.id;
      if (id) c.created.push(id);
      return answer;
    },
  },
  {
    name: 'destroy',
    weight: 7,
    async send(c) {
      const id = c.created.shift();
      // Nothing created yet: read instead, so the mix keeps its rate.
      if (!id) return gql(c, PERSON, { id: '00000000-0000-4000-8000-000000000000' });
      return gql(c, `mutation SoakDestroy($id: ID!) { destroyOpportunity(id: $id) }`, { id });
    },
  },
  {
    name: 'bad',
    weight: 12,
    bad: true,
    async send(c) {
      switch (c.n % 6) {
        case 0:
          return gql(c, '{ companies(first: 2) { edges { node { name }'); // syntax error
        case 1:
          return gql(c, '{ companies(first: 2) { edges { node { nope } } } }'); // unknown field
        case 2:
          return gql(c, 'query Q($id: ID!) { company(id: $id) { name } }', { id: 42.5 }); // wrong variable type
        case 3:
          return gql(c, 'mutation { updateCompany(id: "not-a-uuid", input: { employees: 1 }) { id } }'); // malformed id
        case 4:
          return gql(c, '{ companies(first: 1) { totalCount } }', undefined, 'not-a-twenty-key'); // a key Twenty refuses
        default:
          return postBody(c.url, '{"query": ', c.key); // a broken JSON body
      }
    },
  },
];

/** The kind of the n-th request: a fixed interleaving by weight, the same in every run. */
function kindAt(n: number): Kind {
  const total = KINDS.reduce((s, k) => s + k.weight, 0);
  let slot = (n * 37) % total; // 37 is prime to the total, so consecutive requests spread over the kinds
  for (const kind of KINDS) {
    if (slot < kind.weight) return kind;
    slot -= kind.weight;
  }
  return KINDS[0];
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const latencyMs = options.latencyMs ?? 5;
  const emulator: Emulator = await datasetEmulator(200, { dbFile: ':memory:', latencyMs });
  let bff: ServerProcess | undefined;
  try {
    bff = await startBff(emulator.url, options.bffEnv);
    const data = await screenData(emulator);
    const ctx: Ctx = { url: bff.graphqlUrl, key: emulator.keys.acme, companyIds: data.companyIds, texts: data.searchTexts, created: [], n: 0 };
    const times: number[] = [];
    const byKind = new Map<string, { sent: number; failedAsExpected: number; unexpected: number; times: number[] }>();
    const samples: string[] = [];
    let http5xx = 0;
    let unexpected = 0;
    let failed = 0;
    const rss: Array<[number, number]> = [];
    const startUsage = await bff.usage();
    rss.push([0, startUsage.rssBytes]);
    emulator.reset();

    const loop = await openLoop({
      ratePerSecond: options.rate,
      durationMs: options.seconds * 1000,
      maxInFlight: Math.max(50, options.rate * 5),
      async onSecond(elapsedMs) {
        const usage = await bff!.usage();
        rss.push([elapsedMs, usage.rssBytes]);
        if (Math.round(elapsedMs / 1000) % 30 === 0) log(`  ${Math.round(elapsedMs / 1000)} s: ${times.length} answered, RSS ${(usage.rssBytes / 2 ** 20).toFixed(0)} MB`);
      },
      async op(n) {
        const kind = kindAt(n);
        const stats = byKind.get(kind.name) ?? { sent: 0, failedAsExpected: 0, unexpected: 0, times: [] };
        byKind.set(kind.name, stats);
        stats.sent++;
        const started = performance.now();
        let outcome: Outcome;
        try {
          const answer = await kind.send({ ...ctx, n });
          outcome = { ok: ok(answer), answer };
        } catch (error) {
          outcome = { ok: false, answer: { status: 0, body: { errors: [{ message: `no answer: ${String(error)}` }] } } };
        }
        const ms = performance.now() - started;
        times.push(ms);
        stats.times.push(ms);
        if (outcome.answer.status >= 500) http5xx++;
        if (!outcome.ok) failed++;
        // A bad request is refused with a 4xx or a GraphQL error, never accepted, never a 5xx or no answer.
        const asExpected = kind.bad ? !outcome.ok && outcome.answer.status >= 200 && outcome.answer.status < 500 : outcome.ok;
        if (kind.bad && asExpected) stats.failedAsExpected++;
        if (!asExpected) {
          unexpected++;
          stats.unexpected++;
          if (samples.length < 10) {
            const e = outcome.answer.body?.errors?.[0];
            samples.push(`${kind.name}: HTTP ${outcome.answer.status}${e ? ` ${e.extensions?.code ?? ''} ${e.message}` : ''}`.slice(0, 300));
          }
        }
      },
    });
    const endUsage = await bff.usage();
    rss.push([loop.elapsedMs, endUsage.rssBytes]);
    const restCalls = emulator.stats().requests.total;

    const warm = rss.filter(([t]) => t >= (options.seconds * 1000) / 4);
    const mb = (b: number) => round(b / 2 ** 20, 1);
    const all = percentiles(times);
    return {
      date: new Date().toISOString(),
      seconds: options.seconds,
      rate: options.rate,
      latencyMs,
      sent: loop.started,
      skipped: loop.skipped,
      throughput: round((times.length * 1000) / loop.elapsedMs),
      p50: round(all.p50),
      p95: round(all.p95),
      p99: round(all.p99),
      http5xx,
      unexpected,
      unexpectedSamples: samples,
      errorRate: round(failed / Math.max(1, times.length), 4),
      badShare: round((byKind.get('bad')?.sent ?? 0) / Math.max(1, times.length), 4),
      byKind: Object.fromEntries(
        [...byKind].map(([name, s]) => {
          const p = percentiles(s.times);
          return [name, { sent: s.sent, failedAsExpected: s.failedAsExpected, unexpected: s.unexpected, p50: round(p.p50), p95: round(p.p95) }];
        }),
      ),
      rss: {
        startMb: mb(startUsage.rssBytes),
        endMb: mb(endUsage.rssBytes),
        maxMb: mb(Math.max(...rss.map(([, b]) => b))),
        slopeMbPerMinute: round(slope(warm.map(([t, b]) => [t / 60_000, b / 2 ** 20])), 2),
        series: rss.map(([t, b]) => [round(t / 1000, 1), mb(b)]),
      },
      cpuMsPerRequest: round((endUsage.cpuMs - startUsage.cpuMs) / Math.max(1, times.length), 2),
      restCalls,
    };
  } finally {
    await bff?.close();
    await emulator.close();
  }
}
