import { describe, expect, it } from 'vitest';
import { UNLIMITED_BUDGET_ENV } from '../../bench/lib/processes.js';
import { runSoak } from '../../bench/lib/soak.js';

/**
 * The 20-second version of `npm run bench:load`: the BFF as a real process over the emulator,
 * mixed traffic at a fixed rate. The bounds are loose on purpose (the suite shares the machine);
 * what must hold exactly: no 5xx, and the only failures are the deliberately bad requests.
 */
describe('soak (20 s of mixed traffic)', () => {
  it('answers every good request, refuses every bad one without a 5xx, and does not grow its memory', { timeout: 120_000 }, async () => {
    const result = await runSoak({ seconds: 20, rate: 10, bffEnv: UNLIMITED_BUDGET_ENV });

    // It checked something of every kind.
    expect(result.sent).toBeGreaterThan(150);
    for (const kind of ['list', 'detail', 'person', 'search', 'update', 'create', 'destroy', 'bad']) {
      expect(result.byKind[kind]?.sent, kind).toBeGreaterThan(0);
    }
    expect(result.restCalls).toBeGreaterThan(result.sent);

    expect(result.http5xx).toBe(0);
    expect(result.unexpectedSamples, 'unexpected answers').toEqual([]);
    expect(result.unexpected).toBe(0);
    expect(result.byKind.bad.failedAsExpected).toBe(result.byKind.bad.sent);
    expect(result.errorRate).toBeCloseTo(result.badShare, 4);

    // Heap growth while warming up is normal; a leak under this traffic would be far steeper.
    expect(result.rss.slopeMbPerMinute).toBeLessThan(150);
    expect(result.rss.maxMb - result.rss.startMb).toBeLessThan(400);
  });
});
