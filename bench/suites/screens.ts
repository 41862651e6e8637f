/**
 * The screens suite: five screens of a CRM app on every system, per data set and latency. Per
 * screen and system: REST calls and round trips (one run at BENCH_RT_PROBE_MS latency, from the
 * emulator's request log and timeline), whether the answer equals the minimal plan's, p50/p95 of
 * BENCH_RUNS sequential runs, throughput of BENCH_CONCURRENCY clients, and the server's CPU per
 * request. Systems take turns run by run within a screen, so a noisy moment hits them alike.
 */
import os from 'node:os';
import type { Emulator } from '../../src/emulator/index.js';
import { datasetEmulator, screenData } from '../lib/datasets.js';
import { firstDifference } from '../lib/diff.js';
import { closedLoop } from '../lib/load.js';
import { percentiles, round } from '../lib/stats.js';
import { UNLIMITED_BUDGET_ENV } from '../lib/processes.js';
import { startSystems, type System } from '../lib/systems.js';
import { recordTimeline, roundTrips } from '../lib/timeline.js';
import { SCREENS, type Screen } from '../screens/index.js';
import { varsFor, type ScreenData } from '../screens/vars.js';
import type { BenchContext, Suite } from '../suite.js';
import { screensReport } from './screens-report.js';

/** Twenty's sustained budget per workspace (twenty-rest.md §9), for "screens a minute". */
export const WORKSPACE_CALLS_PER_MINUTE = 100;

export interface ProbeResult {
  dataset: string;
  screen: string;
  system: string;
  calls: number;
  roundTrips: number;
  sameAnswer: boolean | null;
  difference?: string;
  /** Why the screen failed on this system, when it did. */
  error?: string;
}

export interface TimingResult {
  dataset: string;
  latencyMs: number;
  screen: string;
  system: string;
  p50: number;
  p95: number;
  perSecond: number;
  failed: number;
  cpuMsPerRequest: number | null;
}

export interface ScreensResult {
  date: string;
  machine: { node: string; cpus: number; loadAverage: number[] };
  options: BenchContext['options'];
  versions: Record<string, string>;
  datasets: Array<{ label: string; companies: number }>;
  probes: ProbeResult[];
  timings: TimingResult[];
}

async function probe(system: System, screen: Screen, emulator: Emulator, data: ScreenData, latencyMs: number) {
  const vars = varsFor(data, 0);
  await system.run(screen, vars); // warm: JIT, the BFF's workspace metadata
  emulator.setLatency(latencyMs);
  emulator.reset();
  const timeline = recordTimeline();
  try {
    const digest = await system.answer(screen, vars);
    return { digest, calls: emulator.stats().requests.total, roundTrips: roundTrips(timeline.stop()) };
  } finally {
    timeline.stop();
    emulator.setLatency(0);
  }
}

/**
 * p50/p95 of `runs` sequential runs per system, the systems taking turns run by run (so a noisy
 * moment of the machine hits them alike and the ratios stay fair), then each system's
 * throughput and server CPU under `concurrency` clients.
 */
async function time(systems: System[], screen: Screen, data: ScreenData, ctx: BenchContext, latencyMs: number, dataset: string): Promise<TimingResult[]> {
  const { runs, concurrency, throughputMs } = ctx.options;
  const live = new Map<System, number[]>();
  for (const system of systems) {
    try {
      await system.run(screen, varsFor(data, 1)); // warm
      live.set(system, []);
    } catch (error) {
      ctx.log(`    ${system.name} ${screen.id}: failed: ${(error as Error).message}`);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const [system, times] of live) {
      const started = performance.now();
      try {
        await system.run(screen, varsFor(data, i));
        times.push(performance.now() - started);
      } catch (error) {
        ctx.log(`    ${system.name} ${screen.id}: failed: ${(error as Error).message}`);
        live.delete(system);
      }
    }
  }
  const results: TimingResult[] = [];
  for (const [system, times] of live) {
    const before = await system.server?.usage();
    const load = await closedLoop(concurrency, throughputMs, (i) => system.run(screen, varsFor(data, i)));
    const after = await system.server?.usage();
    if (load.failed) ctx.log(`    ${system.name} ${screen.id}: ${load.failed} of ${load.failed + load.completed} failed under load (${load.firstError})`);
    const { p50, p95 } = percentiles(times);
    results.push({
      dataset,
      latencyMs,
      screen: screen.id,
      system: system.name,
      p50: round(p50),
      p95: round(p95),
      perSecond: round(load.perSecond),
      failed: load.failed,
      cpuMsPerRequest: before && after && load.completed ? round((after.cpuMs - before.cpuMs) / load.completed, 2) : null,
    });
  }
  return results;
}

export const screensSuite: Suite = {
  name: 'screens',
  async run(ctx) {
    const { options } = ctx;
    const screens = SCREENS.filter((s) => options.screens.includes(s.id));
    const result: ScreensResult = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((n) => round(n, 2)) },
      options,
      versions: {},
      datasets: options.datasets,
      probes: [],
      timings: [],
    };
    for (const dataset of options.datasets) {
      ctx.log(`Data set ${dataset.label} (${dataset.companies} companies): starting the emulator and the systems…`);
      const emulator = await datasetEmulator(dataset.companies);
      let systems: System[] = [];
      try {
        const data = await screenData(emulator);
        systems = await startSystems(options.systems, {
          emulator,
          label: dataset.label,
          bffEnv: UNLIMITED_BUDGET_ENV,
          log: ctx.log,
          versions: result.versions,
        });
        for (const screen of screens) {
          // A system that fails a screen (a bug, a refusal) loses that cell, not the whole run.
          const probes = new Map<System, Awaited<ReturnType<typeof probe>> | Error>();
          for (const system of systems) {
            probes.set(system, await probe(system, screen, emulator, data, options.roundTripProbeMs).catch((error: Error) => error));
          }
          const reference = [...probes].find(([s, p]) => s.name === 'plan' && !(p instanceof Error)) ?? [...probes].find(([, p]) => !(p instanceof Error));
          for (const [system, p] of probes) {
            if (p instanceof Error) {
              ctx.log(`  ${system.name} ${screen.id}: failed: ${p.message}`);
              result.probes.push({ dataset: dataset.label, screen: screen.id, system: system.name, calls: NaN, roundTrips: NaN, sameAnswer: false, error: p.message });
              continue;
            }
            const isReference = system === reference?.[0];
            const difference = isReference ? null : firstDifference(p.digest, (reference![1] as { digest: unknown }).digest);
            if (difference) ctx.log(`  ${system.name} ${screen.id}: answer differs from ${reference![0].name}'s at ${difference}`);
            result.probes.push({
              dataset: dataset.label,
              screen: screen.id,
              system: system.name,
              calls: p.calls,
              roundTrips: p.roundTrips,
              sameAnswer: isReference ? null : difference === null,
              difference: difference ?? undefined,
            });
          }
          ctx.log(`  ${screen.id}. ${screen.title}: ${[...probes].map(([s, p]) => (p instanceof Error ? `${s.name} failed` : `${s.name} ${p.calls} calls/${p.roundTrips} RT`)).join(', ')}`);
        }
        for (const latencyMs of options.latencies) {
          emulator.setLatency(latencyMs);
          ctx.log(`  latency ${latencyMs} ms:`);
          for (const screen of screens) {
            result.timings.push(...(await time(systems, screen, data, ctx, latencyMs, dataset.label)));
            ctx.log(`    ${screen.id}: ${result.timings.filter((r) => r.dataset === dataset.label && r.latencyMs === latencyMs && r.screen === screen.id).map((r) => `${r.system} p50 ${r.p50} ms, ${r.perSecond}/s`).join('; ')}`);
          }
        }
      } finally {
        await Promise.all(systems.map((s) => s.close()));
        await emulator.close();
      }
    }
    return screensReport(result, screens);
  },
};
