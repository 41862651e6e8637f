/**
 * Testkit for src/twenty: the emulator over real HTTP, and a tiny scripted node:http server for
 * answers the emulator never gives (edges/node lists, odd envelopes, 403/401 bodies, echoes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { createTwentyTransport, type TransportOptions, type TwentyTransport } from '../../src/twenty/client.js';
import type { UpstreamCallEvent } from '../../src/twenty/types.js';

export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ dbFile: ':memory:', companies: 0, rateLimit: false, ...options });
}

/** A transport with fast retries that records every attempt it makes. */
export function recordingTransport(baseUrl: string, options: Partial<TransportOptions> = {}): { transport: TwentyTransport; calls: UpstreamCallEvent[] } {
  const calls: UpstreamCallEvent[] = [];
  const transport = createTwentyTransport({ baseUrl, retryBaseMs: 1, timeoutMs: 2_000, ...options, onCall: (e) => calls.push(e) });
  return { transport, calls };
}

export interface ScriptedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
export type Script = (req: ScriptedRequest) => { status: number; body?: unknown; headers?: Record<string, string> };

/** A node:http server on 127.0.0.1:0 that answers each request with `script`. */
export async function startScriptedServer(script: Script): Promise<{ url: string; requests: ScriptedRequest[]; close(): Promise<void> }> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(request);
      const answer = script(request);
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}
