/**
 * Reports spend the workspace's budget at report priority (§9): under a small budget, every call
 * a report makes (its groupBy, the workspace metadata) waits behind the interactive calls of its
 * key, while still counting as the request's own calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/context.js';
import type { Emulator } from '../../src/emulator/index.js';
import { createReports } from '../../src/reports/index.js';
import { forecastReport, pipelineReport } from '../../src/reports/pipelines.js';
import type { AdmitEvent } from '../../src/twenty/budget/budget.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import { rest } from '../emulator/helpers.js';
import { startStack } from '../support/stack.js';
import { recordingTransport, startTestEmulator } from '../twenty/helpers.js';

let emulator: Emulator;
let transport: TwentyTransport;
const admitted: AdmitEvent[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ companies: 10 });
  // Four calls per 400 ms: a burst of a dozen waits in the queue, in priority order.
  ({ transport } = recordingTransport(emulator.url, { buckets: [{ limit: 4, windowMs: 400 }], onAdmit: (event) => admitted.push(event) }));
});
afterAll(async () => {
  await transport?.close();
  await emulator?.close();
});

const uncached = createReports({ cacheTtlMs: 0, pipeline: { probabilities: {}, wonStages: [] } });
const interactive = (client: ReturnType<typeof createRequestContext>['client'], tag: string) =>
  client.list('companies', { filter: `name[eq]:"${tag}"`, limit: 1 });

describe("a report's calls", () => {
  it('wait behind the interactive calls of the key, though the report asked first', async () => {
    const ctx = createRequestContext(transport, emulator.url, emulator.keys.acme, {}, { reports: uncached });
    // The budget spent: what follows queues.
    await Promise.all([1, 2, 3, 4].map((i) => interactive(ctx.client, `warm-${i}`)));
    admitted.length = 0;

    const reports = Promise.all([pipelineReport(ctx, {}), forecastReport(ctx, { from: '2026-01-01', to: '2027-01-01' })]);
    // Other operations of the key, each with its own client, arriving after the reports.
    const others = Array.from({ length: 8 }, (_, i) => interactive(createRequestContext(transport, emulator.url, emulator.keys.acme).client, `op-${i}`));
    const [[pipeline]] = await Promise.all([reports, Promise.all(others)]);

    const order = admitted.map((event) => `${event.priority} ${event.label.split('?')[0]}`);
    expect(order.filter((o) => o.startsWith('report')).sort()).toEqual([
      'report GET /rest/metadata/objects',
      'report GET /rest/opportunities/groupBy',
      'report GET /rest/opportunities/groupBy',
    ]);
    expect(order.filter((o) => o.startsWith('interactive'))).toHaveLength(8);
    expect(order.findIndex((o) => o.startsWith('report'))).toBe(8);
    // They really queued (this cannot pass by running in order of arrival with a budget to spare).
    expect(Math.max(...admitted.map((event) => event.waitedMs))).toBeGreaterThan(300);
    expect(pipeline.count).toBe((await rest(emulator, '/rest/opportunities?limit=0')).body.totalCount);
  }, 30_000);

  it('still count as the request’s own calls (extensions.upstream) and answer as before', async () => {
    const stack = await startStack({ emulator: { companies: 5 }, config: { debugUpstream: true } });
    try {
      const { body } = await stack.query('{ pipeline { count } }');
      expect(body.errors).toBeUndefined();
      expect(body.extensions?.upstream).toMatchObject({ calls: 2 });
      expect(stack.restCalls().map((c) => c.path).sort()).toEqual(['/rest/metadata/objects', '/rest/opportunities/groupBy']);
    } finally {
      await stack.close();
    }
  });
});
