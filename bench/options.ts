/**
 * Benchmark knobs, from the environment and `--quick`. Every knob is documented in README
 * ("Benchmarks"); `--quick` (or BENCH_QUICK=1) is a smoke run: demo data, 20 ms, 3 runs.
 */
export interface BenchOptions {
  quick: boolean;
  /** BENCH_SUITES: which suites run (default: all). */
  suites: string[] | null;
  /** BENCH_RUNS: sequential timed runs per screen and system, for p50/p95. */
  runs: number;
  /** BENCH_LATENCY_MS: the emulator's added latency per request, one pass per value. */
  latencies: number[];
  /** BENCH_DATASETS: `demo` (200 companies), `10k` (10,000), or a number of companies. */
  datasets: Array<{ label: string; companies: number }>;
  /** BENCH_SYSTEMS: bff, naive, mesh, plan, hop (the plan behind a bare proxy). */
  systems: string[];
  /** BENCH_SCREENS: a–e. */
  screens: string[];
  /** BENCH_CONCURRENCY and BENCH_THROUGHPUT_MS: the throughput measurement's clients and length. */
  concurrency: number;
  throughputMs: number;
  /** BENCH_RT_PROBE_MS: latency of the one run that counts calls and round trips. */
  roundTripProbeMs: number;
  /** BENCH_BUDGET_DEADLINE_MS: how long the 50 concurrent company pages may take. */
  budgetDeadlineMs: number;
  /** BENCH_FEED_INTERVAL_MS and BENCH_FEED_CHANGES: the feeds suite's poll interval and changes made. */
  feedIntervalMs: number;
  feedChanges: number;
}

type Env = Record<string, string | undefined>;

export function benchOptions(env: Env, argv: string[]): BenchOptions {
  const quick = argv.includes('--quick') || ['1', 'true', 'on', 'yes'].includes((env.BENCH_QUICK ?? '').toLowerCase());
  const list = (name: string, fallback: string) =>
    (env[name]?.trim() || fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const int = (name: string, fallback: number, min = 0) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${raw}'`);
    return n;
  };
  const datasets = list('BENCH_DATASETS', quick ? 'demo' : 'demo,10k').map((label) => {
    if (label === 'demo') return { label, companies: 200 };
    if (label === '10k') return { label, companies: 10_000 };
    const companies = Number(label);
    if (!Number.isInteger(companies) || companies < 60) throw new Error(`BENCH_DATASETS: 'demo', '10k' or a number of companies ≥ 60, got '${label}'`);
    return { label: String(companies), companies };
  });
  const latencies = list('BENCH_LATENCY_MS', quick ? '20' : '0,20').map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0) throw new Error(`BENCH_LATENCY_MS: milliseconds ≥ 0, got '${s}'`);
    return n;
  });
  return {
    quick,
    suites: env.BENCH_SUITES?.trim() ? list('BENCH_SUITES', '') : null,
    runs: int('BENCH_RUNS', quick ? 3 : 21, 1),
    latencies,
    datasets,
    systems: list('BENCH_SYSTEMS', 'bff,naive,mesh,plan,hop'),
    screens: list('BENCH_SCREENS', 'a,b,c,d,e'),
    concurrency: int('BENCH_CONCURRENCY', 10, 1),
    throughputMs: int('BENCH_THROUGHPUT_MS', quick ? 500 : 1000, 100),
    roundTripProbeMs: int('BENCH_RT_PROBE_MS', 100, 20),
    budgetDeadlineMs: int('BENCH_BUDGET_DEADLINE_MS', quick ? 20_000 : 70_000, 1000),
    feedIntervalMs: int('BENCH_FEED_INTERVAL_MS', 250, 10),
    feedChanges: int('BENCH_FEED_CHANGES', 5, 1),
  };
}
