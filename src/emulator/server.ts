/**
 * The node:http front: control routes, request counting, latency, scripted faults, auth (§8),
 * per-workspace rate limits (§9), then the REST routes. Control routes are not counted, limited
 * or delayed.
 */
import http from 'node:http';
import { type Controls, type FaultSpec, type RequestLogEntry } from './controls.js';
import { HttpError } from './http-error.js';
import { metadataObjects } from './metadata.js';
import { type ObjectRegistry } from './objects.js';
import { openApiDocument } from './openapi.js';
import { stringifyWithRaw } from './raw-json.js';
import { type RateLimiter, rateLimitedError } from './rate-limit.js';
import { type RestHandler } from './rest-handler.js';
import { objectOfPath } from './rest-path.js';
import { type Webhooks } from './webhooks.js';

export interface ServerDeps {
  registry: ObjectRegistry;
  rest: RestHandler;
  webhooks: Webhooks;
  controls: Controls;
  rateLimiter: RateLimiter;
  /** API key → workspace. */
  keys: Map<string, string>;
  controlsEnabled: boolean;
  legacy: boolean;
  baseUrl: () => string;
}

/** Display name recorded in createdBy/updatedBy for writes through an API key. */
const API_KEY_NAME = 'Demo API key';
const MAX_BODY = 10 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = stringifyWithRaw(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: HttpError): void {
  send(res, error.status, error.body(), error.headers);
}

/**
 * Reads the body up to MAX_BODY. Past the cap it answers 413 and stops reading: the socket is
 * paused (no more bytes are pulled in) and closed once the answer is out, so a client streaming
 * an endless body costs neither memory nor CPU.
 */
function readBody(req: http.IncomingMessage, res: http.ServerResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.socket.destroy());
      res.once('close', () => req.socket.destroy());
      reject(new HttpError(413, 'PayloadTooLargeException', 'request entity too large'));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The request target as a URL, built from the raw path so that `//rest/companies` stays a path
 * (as a base-relative URL it would be read as host `rest`). A target even that cannot parse
 * (`//[`) is bad input: 400 (§8), not a crash.
 */
function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  try {
    if (raw.startsWith('/')) return new URL(`http://emulator${raw}`);
    // Absolute-form targets (`GET http://host/rest/… HTTP/1.1`) are legal HTTP.
    if (/^https?:\/\//i.test(raw)) return new URL(raw);
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(400, 'BadRequestException', `Invalid request target '${raw}'`);
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createServer(deps: ServerDeps): http.Server {
  return http.createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error instanceof HttpError ? error : new HttpError(500, 'InternalServerError', String(error)));
    });
  });
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = requestUrl(req.url);
  } catch (error) {
    sendError(res, error as HttpError);
    return;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const { pathname } = url;

  if (pathname.startsWith('/_emulator/') && deps.controlsEnabled) {
    await handleControl(deps, method, pathname, req, res);
    return;
  }

  const token = bearer(req.headers.authorization);
  const ws = token !== undefined ? (deps.keys.get(token) ?? null) : null;
  const entry: RequestLogEntry = {
    method,
    path: pathname,
    query: queryRecord(url.searchParams),
    workspace: ws,
    status: 0,
    object: objectOfPath(deps.registry, method, pathname, deps.legacy),
  };
  deps.controls.record(entry);
  res.on('finish', () => {
    entry.status = res.statusCode;
  });

  const delay = deps.controls.delayMs();
  if (delay > 0) await sleep(delay);

  const fault = deps.controls.takeFault(method, pathname, ws);
  if (fault) {
    applyFault(fault, req, res);
    return;
  }

  try {
    if (!pathname.startsWith('/rest/') && pathname !== '/rest') {
      throw new HttpError(404, 'Not Found', `Cannot ${method} ${pathname}`);
    }
    // §8: no token → 403, unknown token → 401.
    if (token === undefined) throw new HttpError(403, 'FORBIDDEN_EXCEPTION', 'Missing authentication token');
    if (ws === null) throw new HttpError(401, 'UNAUTHENTICATED', 'Token invalid.');
    deps.rateLimiter.consume(ws);

    const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req, res);
    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch (error) {
        throw new HttpError(400, 'BadRequestException', (error as Error).message);
      }
    }

    if (pathname === '/rest/metadata/objects' && method === 'GET') {
      send(res, 200, metadataObjects(deps.registry));
      return;
    }
    if (pathname === '/rest/open-api/core' && method === 'GET') {
      send(res, 200, openApiDocument(deps.registry, deps.baseUrl(), deps.legacy));
      return;
    }
    // §11: webhooks are records of their own route (newest servers: under /rest/metadata).
    const webhook = /^\/rest\/(?:metadata\/)?webhooks(?:\/([^/]+))?\/?$/.exec(pathname);
    if (webhook) {
      const result = deps.webhooks.handle(ws, method, webhook[1], body);
      send(res, result.status, result.body);
      return;
    }
    if (pathname.startsWith('/rest/metadata/') || pathname.startsWith('/rest/open-api/')) {
      throw new HttpError(404, 'Not Found', `Cannot ${method} ${pathname}`);
    }
    const result = deps.rest.handle({ method, pathname, query: url.searchParams, body, ws, actorName: API_KEY_NAME });
    send(res, result.status, result.body);
  } catch (error) {
    if (error instanceof HttpError) sendError(res, error);
    // §8: anything unclassified is a 400 on Twenty.
    else sendError(res, new HttpError(400, 'BadRequestException', error instanceof Error ? error.message : String(error)));
  }
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

/** Faults answered with Twenty's own error body (§8, §9). */
const TWENTY_FAULTS = {
  // Most servers' 429: no headers, and the bucket that refused in the message.
  '429-plain': () => new HttpError(429, 'HttpException', 'Limit reached (100 tokens per 1000 ms)'),
  '402': () => new HttpError(402, 'PaymentRequiredException', 'Credits exhausted for this workspace'),
  '413': () => new HttpError(413, 'PayloadTooLargeException', 'request entity too large'),
  '500': () => new HttpError(500, 'InternalServerError', 'Internal server error'),
} as const;

function applyFault(fault: FaultSpec, req: http.IncomingMessage, res: http.ServerResponse): void {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'hang':
      // Never answered; close() destroys the socket.
      return;
    case 'malformed': {
      const text = '{"data":{"records":[{"id":"';
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    case '429':
      sendError(res, rateLimitedError(100, 60_000, fault.retryAfterSeconds ?? 1));
      return;
    case '429-plain':
    case '402':
    case '413':
    case '500':
      sendError(res, TWENTY_FAULTS[fault.kind]());
      return;
    case '502':
    case '503': {
      // A proxy in front of Twenty answers these, in HTML.
      const title = fault.kind === '502' ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
      const text = `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
      res.writeHead(Number(fault.kind), { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
  }
}

async function handleControl(
  deps: ServerDeps,
  method: string,
  pathname: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  try {
    const route = `${method} ${pathname}`;
    if (route === 'GET /_emulator/stats') {
      send(res, 200, deps.controls.stats());
      return;
    }
    const raw = await readBody(req, res);
    let body: Record<string, unknown> = {};
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new HttpError(400, 'BadRequestException', 'Body must be JSON');
      }
    }
    switch (route) {
      case 'POST /_emulator/reset':
        deps.controls.reset();
        deps.rateLimiter.reset();
        send(res, 200, { ok: true });
        return;
      case 'POST /_emulator/faults':
        deps.controls.injectFault(body as unknown as FaultSpec);
        send(res, 200, { ok: true });
        return;
      case 'POST /_emulator/latency':
        deps.controls.setLatency(typeof body.ms === 'number' ? body.ms : (body as { min: number; max: number }));
        send(res, 200, { ok: true });
        return;
      case 'POST /_emulator/rate-limit':
        deps.rateLimiter.configure(body.enabled === false ? false : (body as Record<string, number>));
        send(res, 200, { ok: true });
        return;
    }
    throw new HttpError(404, 'Not Found', `Cannot ${method} ${pathname}`);
  } catch (error) {
    if (error instanceof HttpError) sendError(res, error);
    else sendError(res, new HttpError(400, 'BadRequestException', error instanceof Error ? error.message : String(error)));
  }
}
