/** Load generators: a closed loop of N concurrent clients, and an open loop at a fixed rate. */

export interface ClosedLoopResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  perSecond: number;
  firstError?: string;
}

/** `concurrency` clients, each running `op` back to back until `durationMs` is over. */
export async function closedLoop(concurrency: number, durationMs: number, op: (run: number) => Promise<unknown>): Promise<ClosedLoopResult> {
  let next = 0;
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          await op(next++);
          completed++;
        } catch (error) {
          failed++;
          firstError ??= String((error as Error)?.message ?? error);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return { completed, failed, elapsedMs, perSecond: (completed * 1000) / elapsedMs, firstError };
}

export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Past this many requests in flight a tick is skipped and counted, so a stalled server cannot pile up the harness. */
  maxInFlight: number;
  op(run: number): Promise<void>;
  /** Called about once a second while the loop runs. */
  onSecond?(elapsedMs: number): void | Promise<void>;
}

/**
 * Starts `op` at a fixed rate whatever the answers' speed (an open loop: a slow server sees the
 * same arrival rate, as it would from real users), on a schedule computed from the start time so
 * timer drift does not lower the rate.
 */
export async function openLoop(options: OpenLoopOptions): Promise<{ started: number; skipped: number; elapsedMs: number }> {
  const interval = 1000 / options.ratePerSecond;
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  let started = 0;
  let skipped = 0;
  let nextSecond = 1000;
  for (let tick = 0; ; tick++) {
    const due = t0 + tick * interval;
    if (due - t0 >= options.durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() - t0 >= nextSecond) {
      nextSecond += 1000;
      await options.onSecond?.(performance.now() - t0);
    }
    if (inFlight.size >= options.maxInFlight) {
      skipped++;
      continue;
    }
    const run = options.op(started++).finally(() => inFlight.delete(run));
    inFlight.add(run);
  }
  await Promise.all(inFlight);
  return { started, skipped, elapsedMs: performance.now() - t0 };
}
