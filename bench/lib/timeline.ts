/**
 * The REST requests of one operation with their times and answers, to count round trips. The
 * emulator's request log has neither (and src/ is not the benchmark's to change), so the harness
 * listens to the 'request' event of every node:http server in its own process, which during a
 * benchmark is only the emulator's, and keeps each answer's text. The emulator adds its latency
 * after that event (server.ts), so `start` is when the request arrived.
 */
import http from 'node:http';

export interface Interval {
  /** Path and query string, as sent. */
  url: string;
  start: number;
  end: number;
  /** The answer's text. */
  body: string;
}

let recording: Interval[] | null = null;
let installed = false;

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

function install(): void {
  if (installed) return;
  installed = true;
  const emit = http.Server.prototype.emit as Emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request' && recording) {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (req.url?.startsWith('/rest/')) {
        const interval: Interval = { url: req.url, start: performance.now(), end: Infinity, body: '' };
        recording.push(interval);
        const end = res.end as (...a: unknown[]) => http.ServerResponse;
        res.end = function (this: http.ServerResponse, ...a: unknown[]) {
          if (typeof a[0] === 'string' || Buffer.isBuffer(a[0])) interval.body = String(a[0]);
          return end.apply(this, a);
        } as typeof res.end;
        res.once('finish', () => (interval.end = performance.now()));
      }
    }
    return emit.call(this, event, ...args);
  } as typeof http.Server.prototype.emit;
}

/** Starts collecting; `stop()` returns the requests seen since. */
export function recordTimeline(): { stop(): Interval[] } {
  install();
  const into: Interval[] = [];
  recording = into;
  return {
    stop() {
      if (recording === into) recording = null;
      return into;
    },
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** What a request may have learned from an earlier answer: the ids and cursors in its URL. */
function tokens(url: string): string[] {
  const query = new URL(url, 'http://x').searchParams;
  const cursors = ['starting_after', 'ending_before'].map((k) => query.get(k)).filter((c): c is string => !!c);
  return [...new Set([...decodeURIComponent(url).toLowerCase().matchAll(UUID)].map((m) => m[0])), ...cursors];
}

/**
 * Round trips: the longest chain of requests in which each one was sent after an earlier answer
 * had arrived and carries something (an id, a cursor) that answer held. Timing alone would chain
 * the requests of one wave whenever the client takes longer to send them than the latency (the
 * naive resolvers send hundreds from the harness's own event loop); content alone would chain
 * requests sent in parallel from the same input.
 */
export function roundTrips(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const bodies = sorted.map((i) => i.body.toLowerCase());
  const depth: number[] = [];
  let max = 0;
  sorted.forEach((request, i) => {
    const needs = tokens(request.url);
    let d = 1;
    if (needs.length) {
      for (let j = 0; j < i; j++) {
        if (sorted[j].end <= request.start && depth[j] + 1 > d && needs.some((t) => bodies[j].includes(t.toLowerCase()))) d = depth[j] + 1;
      }
    }
    depth.push(d);
    max = Math.max(max, d);
  });
  return max;
}
