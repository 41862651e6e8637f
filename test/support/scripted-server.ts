import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Twenty, for answers the emulator never gives (other response shapes, 403, a
 * workspace with custom fields): a node:http server on 127.0.0.1:0 that records each request and
 * answers it with `script`. Faults the emulator can cause are caused there instead.
 */
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
