/** The live feeds suite (bench/feeds.ts): memory per SSE subscriber and change-to-event latency. */
import { benchFeeds } from '../feeds.js';
import { table } from '../lib/markdown.js';
import type { Suite } from '../suite.js';

export const feedsSuite: Suite = {
  name: 'feeds',
  async run(ctx) {
    const { intervalMs, rows } = await benchFeeds({ intervalMs: ctx.options.feedIntervalMs, changes: ctx.options.feedChanges });
    const markdown = [
      `## Live feeds (poll interval ${intervalMs} ms)`,
      '',
      'SSE subscribers of one feed: heap per subscriber, REST GETs per poll interval (one poller whatever the number of subscribers), and the median time from a change made through REST to the last subscriber\'s event.',
      '',
      table(
        ['subscribers', 'heap KB / subscriber', 'REST GETs / interval', 'change → last event ms', 'first → last event ms'],
        rows.map((r) => [r.subscribers, r.memoryPerSubscriberKB, r.restGetsPerInterval, r.changeToLastMedianMs, r.firstToLastMedianMs]),
      ),
    ].join('\n');
    return { markdown, json: { intervalMs, results: rows } };
  },
};
