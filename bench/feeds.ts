/**
 * Live feeds under many subscribers, part of `npm run bench`: for 100 and 1,000 SSE subscribers
 * of one feed, the BFF's memory per subscriber, the REST calls per interval (one poll, however
 * many subscribers), and the time from a change made through REST to the last subscriber's event
 * (which includes waiting for the next poll, up to one interval) and from the first subscriber's
 * event to the last (the fan-out itself).
 *
 * Subscribers run in a worker thread: its heap is its own, so the main thread's heap is the BFF's
 * (and the emulator's, which does not grow with subscribers).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../src/config.js';
import { createApp, listen } from '../src/app.js';
import { startEmulator } from '../src/emulator/index.js';
import { round } from './lib/stats.js';

const SIZES = [100, 1_000];

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Opens `count` SSE subscriptions and reports when each sees an event naming a marker. */
const SUBSCRIBERS = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, count, query } = workerData;
const streams = [];
let arrivals = new Map();
async function open() {
  const controller = new AbortController();
  const response = await fetch(url, { method: 'POST', signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer ' + key },
    body: JSON.stringify({ query }) });
  streams.push(controller);
  (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        const text = decoder.decode(chunk, { stream: true });
        for (const match of text.matchAll(/"name":"(marker [0-9]+)"/g)) {
          const list = arrivals.get(match[1]) ?? [];
          list.push(Date.now());
          arrivals.set(match[1], list);
          if (list.length === count) parentPort.postMessage({ marker: match[1], first: Math.min(...list), last: Math.max(...list) });
        }
      }
    } catch {}
  })();
}
(async () => {
  for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
  parentPort.postMessage({ opened: true });
})();
parentPort.on('message', (message) => { if (message === 'close') { for (const c of streams) c.abort(); parentPort.postMessage({ closed: true }); } });
`;

/** `intervalMs`: the feeds' poll interval; `changes`: the changes made through REST per size. */
export async function benchFeeds({ intervalMs, changes }: { intervalMs: number; changes: number }): Promise<{ intervalMs: number; rows: FeedRow[] }> {
  const emulator = await startEmulator({ dbFile: ':memory:', companies: 200, rateLimit: false, latencyMs: 5 });
  const config = {
    ...parseConfig({ FEED_POLL_INTERVAL_MS: String(intervalMs) }),
    twentyApiUrl: emulator.url,
    twentyApiKey: emulator.keys.acme,
    graphiql: false,
    // Lifted as the emulator's limit is: the polls are counted, not budgeted.
    twentyRateLimitPerMinute: 0,
    twentyRateLimitPerSecond: 0,
    logLevel: 'silent' as const,
  };
  const server = await listen(createApp(config), 0, '127.0.0.1');
  const rows: FeedRow[] = [];
  for (const count of SIZES) {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const worker = new Worker(SUBSCRIBERS, {
      eval: true,
      workerData: { url: `${server.url}/graphql`, key: emulator.keys.acme, count, query: 'subscription { opportunityChanged { kind id node { name stage } } }' },
    });
    const messages: Array<Record<string, unknown>> = [];
    worker.on('message', (message) => messages.push(message));
    const until = async (test: (m: Record<string, unknown>) => boolean) => {
      while (!messages.some(test)) await new Promise((resolve) => setTimeout(resolve, 5));
      return messages.find(test)!;
    };
    await until((m) => m.opened === true);
    while ((server.app.feeds.stats()[0]?.members ?? 0) < count) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 2 * intervalMs));
    gc();
    const memoryPerSubscriberKB = (process.memoryUsage().heapUsed - heapBefore) / count / 1024;

    emulator.reset();
    const pollStart = Date.now();
    const toLast: number[] = [];
    const spread: number[] = [];
    for (let i = 0; i < changes; i++) {
      const marker = `marker ${count}${i}`;
      const started = Date.now();
      await fetch(`${emulator.url}/rest/opportunities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.keys.acme}` },
        body: JSON.stringify({ name: marker }),
      });
      const done = await until((m) => m.marker === marker);
      toLast.push((done.last as number) - started);
      spread.push((done.last as number) - (done.first as number));
    }
    const intervals = (Date.now() - pollStart) / intervalMs;
    const calls = emulator.stats().requests.log.filter((call) => call.method === 'GET').length;
    worker.postMessage('close');
    await until((m) => m.closed === true);
    await worker.terminate();
    while (server.app.feeds.stats().some((feed) => feed.members > 0)) await new Promise((resolve) => setTimeout(resolve, 10));
    rows.push({
      subscribers: count,
      memoryPerSubscriberKB: round(memoryPerSubscriberKB, 2),
      restGetsPerInterval: round(calls / intervals, 2),
      changeToLastMedianMs: round(median(toLast), 2),
      firstToLastMedianMs: round(median(spread), 2),
    });
  }
  await server.close();
  await emulator.close();
  return { intervalMs, rows };
}

interface FeedRow {
  subscribers: number;
  memoryPerSubscriberKB: number;
  restGetsPerInterval: number;
  changeToLastMedianMs: number;
  firstToLastMedianMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
