/**
 * The budget suite: 50 concurrent company pages (50 different companies) against an emulator that
 * enforces Twenty's limits (100 requests a second and 100 a minute per workspace, twenty-rest.md
 * §9), one system after the other with fresh buckets. Reports whether every page completed,
 * whether the emulator answered any 429, and the REST calls the 50 pages cost; and, from the
 * screens suite when it ran, how many of each screen a workspace can serve a minute.
 */
import { datasetEmulator, screenData } from '../lib/datasets.js';
import { cell, table } from '../lib/markdown.js';
import { sleep } from '../lib/stats.js';
import { startSystems, SYSTEM_LABELS, type System } from '../lib/systems.js';
import { SCREENS } from '../screens/index.js';
import type { Suite } from '../suite.js';
import { perMinute } from './screens-report.js';
import { WORKSPACE_CALLS_PER_MINUTE, type ScreensResult } from './screens.js';

const PAGES = 50;
const LATENCY_MS = 20;
/** The planning work's goal for the 50 pages. */
const CALLS_GOAL = 25;
const TWENTY_LIMITS = { shortLimit: 100, shortTtlMs: 1000, longLimit: 100, longTtlMs: 60_000 };

interface BurstResult {
  system: string;
  completed: number;
  failures: Record<string, number>;
  calls: number;
  refused429: number;
  lastPageMs: number;
}

export const budgetSuite: Suite = {
  name: 'budget',
  async run(ctx) {
    const { options } = ctx;
    const page = SCREENS.find((s) => s.id === 'b')!;
    ctx.log(`Starting an emulator with Twenty's limits (100/s, 100/min), ${LATENCY_MS} ms latency, and the systems…`);
    const emulator = await datasetEmulator(200, { rateLimit: TWENTY_LIMITS, latencyMs: LATENCY_MS });
    let systems: System[] = [];
    const bursts: BurstResult[] = [];
    try {
      const data = await screenData(emulator);
      // The BFF's own budget as deployed against Twenty.
      // The plan behind a bare proxy is a latency floor: under the budget it is the plan again.
      systems = await startSystems(options.systems.filter((name) => name !== 'hop'), {
        emulator,
        label: 'budget',
        bffEnv: { TWENTY_RATE_LIMIT_PER_MINUTE: '100', TWENTY_RATE_LIMIT_PER_SECOND: '100' },
        log: ctx.log,
      });
      for (const system of systems) {
        emulator.reset();
        await system.run(page, { companyId: data.spareCompanyId }).catch(() => {}); // warm: metadata, JIT
        emulator.reset(); // fresh buckets and log for the burst
        const deadline = AbortSignal.timeout(options.budgetDeadlineMs);
        const started = performance.now();
        let lastPageMs = 0;
        const failures: Record<string, number> = {};
        let completed = 0;
        await Promise.all(
          data.companyIds.slice(0, PAGES).map(async (companyId) => {
            try {
              await system.run(page, { companyId }, deadline);
              completed++;
            } catch (error) {
              const e = error as { code?: string; status?: number; name?: string; message?: string };
              const reason = deadline.aborted ? 'deadline' : e.code || (e.status ? `HTTP ${e.status}` : (e.name ?? 'error'));
              failures[reason] = (failures[reason] ?? 0) + 1;
            } finally {
              lastPageMs = performance.now() - started;
            }
          }),
        );
        // Calls still in flight for failed or abandoned pages land before counting.
        await sleep(deadline.aborted ? 2_000 : 1_000);
        const log = emulator.stats().requests.log;
        const burst: BurstResult = {
          system: system.name,
          completed,
          failures,
          calls: log.length,
          refused429: log.filter((e) => e.status === 429).length,
          lastPageMs,
        };
        bursts.push(burst);
        ctx.log(`  ${system.name}: ${completed}/${PAGES} pages, ${burst.calls} REST calls (${burst.refused429} answered 429), last page after ${(lastPageMs / 1000).toFixed(1)} s`);
      }
    } finally {
      await Promise.all(systems.map((s) => s.close()));
      await emulator.close();
    }
    return budgetReport(bursts, ctx.earlier.get('screens')?.json as ScreensResult | undefined, options.budgetDeadlineMs);
  },
};

function budgetReport(bursts: BurstResult[], screens: ScreensResult | undefined, deadlineMs: number) {
  const out: string[] = [];
  out.push(`## Budget: ${PAGES} concurrent company pages under Twenty's ${WORKSPACE_CALLS_PER_MINUTE} requests a minute`);
  out.push('');
  out.push(
    `${PAGES} different company pages (screen b) sent at once, emulator latency ${LATENCY_MS} ms, Twenty's limits on (100 a second, 100 a minute per workspace), ` +
      `pages abandoned after ${deadlineMs / 1000} s. REST calls include the ones the emulator refused with 429. ` +
      `twenty-bff runs with its outbound budget at Twenty's limits (TWENTY_RATE_LIMIT_PER_MINUTE=100, TWENTY_RATE_LIMIT_PER_SECOND=100) and the query planner on (unless QUERY_PLANNER says otherwise); the other systems have no budget. ` +
      `Goal for the BFF: every page completes, no 429, at most ${CALLS_GOAL} REST calls in total.`,
  );
  out.push('');
  out.push(
    table(
      ['system', 'pages completed', 'failed (why)', 'REST calls', 'answered 429', 'last page after s', 'goal'],
      bursts.map((b) => [
        SYSTEM_LABELS[b.system] ?? b.system,
        `${b.completed} / ${PAGES}`,
        Object.entries(b.failures).map(([why, n]) => `${n} ${why}`).join(', ') || '—',
        b.calls,
        b.refused429,
        cell(b.lastPageMs / 1000),
        b.system === 'bff' ? (b.completed === PAGES && b.refused429 === 0 && b.calls <= CALLS_GOAL ? 'met' : '**not met**') : '',
      ]),
      ['l', 'r', 'l', 'r', 'r', 'r', 'l'],
    ),
  );
  if (screens) {
    const dataset = screens.datasets[0].label;
    const systems = screens.options.systems.filter((name) => name !== 'hop');
    out.push('');
    out.push(`Screens a workspace can serve a minute (${WORKSPACE_CALLS_PER_MINUTE} ÷ REST calls per screen, ${dataset} data, one screen at a time):`);
    out.push('');
    out.push(
      table(
        ['screen', ...systems.map((s) => SYSTEM_LABELS[s] ?? s)],
        SCREENS.filter((s) => screens.options.screens.includes(s.id)).map((screen) => [
          `${screen.id}. ${screen.title}`,
          ...systems.map((system) => {
            const p = screens.probes.find((r) => r.dataset === dataset && r.screen === screen.id && r.system === system);
            return perMinute(p?.calls);
          }),
        ]),
        ['l', ...systems.map(() => 'r' as const)],
      ),
    );
  }
  return { markdown: out.join('\n') + '\n', json: { date: new Date().toISOString(), pages: PAGES, latencyMs: LATENCY_MS, deadlineMs, bursts } };
}
