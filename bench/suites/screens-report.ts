/** The screens suite's report: tables per data set and latency, the goals of the planning work, a chart. */
import { barChartSvg } from '../lib/chart.js';
import { cell, ratio, table } from '../lib/markdown.js';
import { SYSTEM_LABELS } from '../lib/systems.js';
import type { Screen } from '../screens/index.js';
import type { SuiteReport } from '../suite.js';
import { WORKSPACE_CALLS_PER_MINUTE, type ScreensResult } from './screens.js';

const SHORT_NAMES: Record<string, string> = { a: 'table', b: 'page', c: 'board', d: 'search', e: 'nested' };
const shortName = (screen: Screen) => `${screen.id}. ${SHORT_NAMES[screen.id] ?? ''}`.trim();
const COLORS: Record<string, string> = { bff: '#2b6cb0', plan: '#38a169', naive: '#dd6b20', mesh: '#805ad5', hop: '#9ae6b4' };
/** p50 of the BFF within this factor of the plan's at 20 ms (the planning work's goal). */
const P50_GOAL = 1.25;

/** Screens a workspace can serve a minute: whole ones, or a fraction when one costs more than the budget. */
export function perMinute(calls: number | undefined): string {
  if (!calls || !Number.isFinite(calls)) return '—';
  const n = WORKSPACE_CALLS_PER_MINUTE / calls;
  return n >= 1 ? String(Math.floor(n)) : n.toFixed(2);
}

export function screensReport(result: ScreensResult, screens: Screen[]): SuiteReport {
  const { options } = result;
  const probe = (dataset: string, screen: string, system: string) => result.probes.find((p) => p.dataset === dataset && p.screen === screen && p.system === system);
  const timing = (dataset: string, latencyMs: number, screen: string, system: string) =>
    result.timings.find((t) => t.dataset === dataset && t.latencyMs === latencyMs && t.screen === screen && t.system === system);
  const systems = options.systems;
  const goalLatency = options.latencies.includes(20) ? 20 : Math.max(...options.latencies);
  const out: string[] = [];

  out.push('## Screens: REST calls, round trips, latency, throughput');
  out.push('');
  out.push(
    `${result.date.slice(0, 16).replace('T', ' ')} UTC, Node ${result.machine.node}, ${result.machine.cpus} CPUs (load average ${result.machine.loadAverage.join(' ')} at the start); ` +
      `${options.runs} timed runs per cell, throughput with ${options.concurrency} concurrent clients for ${options.throughputMs} ms` +
      (Object.keys(result.versions).length ? `; Mesh: ${Object.entries(result.versions).map(([k, v]) => `${k} ${v}`).join(', ')}` : '') +
      '.',
  );
  out.push('');
  out.push(
    'REST calls and round trips are counted in one run at ' +
      `${options.roundTripProbeMs} ms latency, from the emulator's request log (round trips: the longest chain of requests each sent after an earlier answer that held an id or cursor it carries). ` +
      '"same answer": the system returned the same ids and counts as the minimal plan. ' +
      `"a minute": how many of that screen a workspace can serve under Twenty's ${WORKSPACE_CALLS_PER_MINUTE} requests a minute. ` +
      'Server CPU is the BFF\'s or the gateway\'s process CPU per request under the throughput load; the naive resolvers and the plan run in the harness (no server, no GraphQL), so they have none.',
  );
  const summaryData = result.datasets[0];
  if (summaryData) {
    const names = systems.map((s) => SYSTEM_LABELS[s] ?? s).join(' · ');
    const each = (value: (screen: string, system: string) => string) => (screen: string) => systems.map((system) => value(screen, system)).join(' · ');
    const calls = each((screen, system) => String(probe(summaryData.label, screen, system)?.calls ?? '—'));
    const trips = each((screen, system) => String(probe(summaryData.label, screen, system)?.roundTrips ?? '—'));
    const p50 = each((screen, system) => cell(timing(summaryData.label, goalLatency, screen, system)?.p50, 0));
    const rps = each((screen, system) => cell(timing(summaryData.label, goalLatency, screen, system)?.perSecond, 1));
    out.push('');
    out.push(`### Summary: ${summaryData.label} data, ${goalLatency} ms latency (${names})`);
    out.push('');
    out.push(
      table(
        ['screen', 'REST calls', 'round trips', 'p50 ms', `req/s @${options.concurrency}`, 'BFF CPU ms/req'],
        screens.map((screen) => [
          `${screen.id}. ${screen.title}`,
          calls(screen.id),
          trips(screen.id),
          p50(screen.id),
          rps(screen.id),
          cell(timing(summaryData.label, goalLatency, screen.id, 'bff')?.cpuMsPerRequest, 1),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  for (const dataset of result.datasets) {
    for (const latencyMs of options.latencies) {
      out.push('');
      out.push(`### ${dataset.label} data (${dataset.companies.toLocaleString('en')} companies), emulator latency ${latencyMs} ms`);
      out.push('');
      const rows: Array<Array<string | number>> = [];
      for (const screen of screens) {
        for (const system of systems) {
          const p = probe(dataset.label, screen.id, system);
          const t = timing(dataset.label, latencyMs, screen.id, system);
          rows.push([
            system === systems[0] ? `${screen.id}. ${screen.title}` : '',
            SYSTEM_LABELS[system] ?? system,
            p?.error ? '**failed**' : (p?.calls ?? '—'),
            p?.error ? '' : (p?.roundTrips ?? '—'),
            cell(t?.p50),
            cell(t?.p95),
            t?.failed ? `${cell(t.perSecond)} (${t.failed} failed)` : cell(t?.perSecond),
            cell(t?.cpuMsPerRequest, 2),
            perMinute(p?.calls),
            p?.sameAnswer === null || p?.sameAnswer === undefined ? 'reference' : p.sameAnswer ? 'yes' : '**no**',
          ]);
        }
      }
      out.push(
        table(
          ['screen', 'system', 'REST calls', 'round trips', 'p50 ms', 'p95 ms', `req/s @${options.concurrency}`, 'server CPU ms/req', 'a minute', 'same answer'],
          rows,
          ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
        ),
      );
    }
  }

  if (systems.includes('bff') && systems.includes('plan')) {
    for (const dataset of result.datasets) {
      out.push('');
      out.push(`### Goals, ${dataset.label} data, ${goalLatency} ms: the BFF against the minimal plan`);
      out.push('');
      const rows = screens.map((screen) => {
        const b = probe(dataset.label, screen.id, 'bff');
        const p = probe(dataset.label, screen.id, 'plan');
        const bt = timing(dataset.label, goalLatency, screen.id, 'bff');
        const pt = timing(dataset.label, goalLatency, screen.id, 'plan');
        const p50Ratio = bt && pt ? bt.p50 / pt.p50 : NaN;
        const ht = timing(dataset.label, goalLatency, screen.id, 'hop');
        const floor = ht && pt ? `${(ht.p50 / pt.p50).toFixed(2)}×` : '—';
        return [
          `${screen.id}. ${screen.title}`,
          `${b?.calls ?? '—'} / ${p?.calls ?? '—'}`,
          b && p ? (b.calls <= p.calls ? 'met' : '**not met**') : '—',
          `${b?.roundTrips ?? '—'} / ${p?.roundTrips ?? '—'}`,
          b && p ? (b.roundTrips <= p.roundTrips ? 'met' : '**not met**') : '—',
          Number.isFinite(p50Ratio) ? `${p50Ratio.toFixed(2)}×` : '—',
          Number.isFinite(p50Ratio) ? (p50Ratio <= P50_GOAL ? 'met' : '**not met**') : '—',
          ...(systems.includes('hop') ? [floor] : []),
        ];
      });
      out.push(
        table(
          [
            'screen',
            'calls: BFF / plan',
            'calls ≤ plan',
            'round trips: BFF / plan',
            'round trips = plan',
            'p50: BFF ÷ plan',
            `p50 ≤ ${P50_GOAL}× plan`,
            ...(systems.includes('hop') ? ['p50: plan behind a bare proxy ÷ plan'] : []),
          ],
          rows,
          ['l', 'r', 'l', 'r', 'l', 'r', 'l', ...(systems.includes('hop') ? (['r'] as const) : [])],
        ),
      );
      if (systems.includes('hop')) {
        out.push('');
        out.push(
          'The last column is the floor of any server between an app and Twenty on this machine: the same minimal plan with one bare ' +
            'forwarding process on the path (bench/lib/forward-proxy.mjs: it only reads, parses and re-serialises each answer). ' +
            'Whatever a BFF does costs at least that much more than the plan.',
        );
      }
    }
  }

  const others = systems.filter((s) => s === 'mesh' || s === 'naive');
  if (systems.includes('bff') && others.length) {
    for (const dataset of result.datasets) {
      out.push('');
      out.push(`### The BFF against ${others.map((s) => SYSTEM_LABELS[s]).join(' and ')}, ${dataset.label} data, ${goalLatency} ms (how many times the BFF's figure)`);
      out.push('');
      const rows = screens.map((screen) => {
        const b = probe(dataset.label, screen.id, 'bff');
        const bt = timing(dataset.label, goalLatency, screen.id, 'bff');
        return [
          `${screen.id}. ${screen.title}`,
          ...others.flatMap((o) => {
            const p = probe(dataset.label, screen.id, o);
            const t = timing(dataset.label, goalLatency, screen.id, o);
            return [ratio(p?.calls, b?.calls, 1), ratio(t?.p50, bt?.p50), ratio(bt?.perSecond, t?.perSecond)];
          }),
        ];
      });
      out.push(
        table(
          ['screen', ...others.flatMap((o) => [`${o}: calls`, `${o}: p50`, `BFF req/s ÷ ${o}`])],
          rows,
          ['l', ...others.flatMap(() => ['r', 'r', 'r'] as Array<'r'>)],
        ),
      );
    }
  }

  out.push('');
  out.push('The minimal plans (bench/screens/plan.ts):');
  out.push('');
  for (const screen of screens) out.push(`- ${screen.id}. ${screen.planNote}`);
  const differences = result.probes.filter((p) => p.difference || p.error);
  if (differences.length) {
    out.push('');
    out.push('Answers that differ from the plan\'s, and failures:');
    out.push('');
    for (const d of differences) out.push(`- ${d.dataset}, ${d.screen}, ${SYSTEM_LABELS[d.system] ?? d.system}: ${d.error ? `failed: ${d.error}` : d.difference}`);
  }

  const files: Record<string, string> = {};
  const chartData = result.datasets[0];
  if (chartData) {
    const series = (value: (screen: string, system: string) => number | null | undefined) =>
      systems.map((system) => ({ name: SYSTEM_LABELS[system] ?? system, color: COLORS[system] ?? '#999', values: screens.map((s) => value(s.id, system) ?? null) }));
    files['screens.svg'] = barChartSvg(`${chartData.label} data (${chartData.companies} companies), emulator latency ${goalLatency} ms, ${result.date.slice(0, 10)}`, [
      { title: 'REST calls per screen (log scale)', log: true, groups: screens.map(shortName), series: series((s, sys) => probe(chartData.label, s, sys)?.calls) },
      { title: `p50 ms per screen`, groups: screens.map(shortName), series: series((s, sys) => timing(chartData.label, goalLatency, s, sys)?.p50) },
    ]);
    out.push('');
    out.push('![REST calls and p50 per screen](screens.svg)');
  }
  return { markdown: out.join('\n') + '\n', json: result, files };
}
