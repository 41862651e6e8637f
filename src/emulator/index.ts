/**
 * A Twenty-compatible REST emulator (../shared/twenty-rest.md §1–§10) on node:http and SQLite.
 * It imports nothing from the BFF: it stands in for a real Twenty server in tests, benchmarks
 * and the embedded demo.
 */
import { type AddressInfo } from 'node:net';
import { Controls, type EmulatorStats, type FaultKind, type FaultSpec, type RequestLogEntry } from './controls.js';
import { ensureIndexes, openDb } from './db.js';
import { buildObjects, type StageOptionSpec } from './objects.js';
import { RateLimiter } from './rate-limit.js';
import { RestHandler } from './rest-handler.js';
import { seedIfEmpty, seedMismatchWarning } from './seed.js';
import { createServer } from './server.js';
import { Store } from './store.js';
import { Webhooks, workspaceIdOf } from './webhooks.js';

export type { EmulatorStats, FaultKind, FaultSpec, RequestLogEntry, StageOptionSpec };

export interface EmulatorOptions {
  /** @default 0 (a random free port); the CLI defaults to 3001 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** A file (its directory is created) or ':memory:'. @default '.data/emulator.sqlite' */
  dbFile?: string;
  /** Demo size: people = 5x, opportunities = 2.5x, notes and tasks 1x. 0 = empty workspaces. @default 200 */
  companies?: number;
  /** PRNG seed of the demo data. @default 42 */
  seed?: number;
  /** Per-workspace token buckets (§9); false switches them off. @default Twenty's: 100/1000 ms and 100/60000 ms */
  rateLimit?: false | { shortLimit?: number; shortTtlMs?: number; longLimit?: number; longTtlMs?: number };
  /** Added latency per request, fixed or uniform in [min, max]. @default 0 */
  latencyMs?: number | { min: number; max: number };
  /** Serve the /_emulator/* control routes. @default true */
  controls?: boolean;
  /** Where warnings go (a kept database that does not match the asked-for seed or size). @default console.warn */
  onWarning?: (message: string) => void;
  /** Largest `limit` honoured (§3); 60 emulates older servers. @default 200, or 60 when `legacy` */
  pageLimit?: number;
  /** Older-server shapes: hasPreviousPage only when true, old target field names, old restore path, no groupBy. @default false */
  legacy?: boolean;
  /**
   * The workspaces' own opportunity stages, in order (§10: a workspace may replace the standard
   * NEW…CUSTOMER); the first is the default. For a fresh database: a kept file keeps its data.
   * @default the standard five
   */
  opportunityStages?: readonly StageOptionSpec[];
}

export interface Emulator {
  /** e.g. 'http://127.0.0.1:54321', no trailing slash. */
  url: string;
  keys: { acme: string; globex: string };
  /** Each workspace's id, as webhook deliveries name it (§11). */
  workspaceIds: { acme: string; globex: string };
  stats(): EmulatorStats;
  /** Clears counters, log, pending faults and rate-limit buckets; keeps the data. */
  reset(): void;
  injectFault(fault: FaultSpec): void;
  setLatency(latency: number | { min: number; max: number }): void;
  setRateLimit(limit: EmulatorOptions['rateLimit']): void;
  /** Stops the server (hung requests included) and closes the database. */
  close(): Promise<void>;
}

export const DEMO_KEYS = { acme: 'demo-acme-key', globex: 'demo-globex-key' } as const;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const companies = options.companies ?? 200;
  const legacy = options.legacy ?? false;
  // Older servers also had the older page limit (§3).
  const pageLimit = options.pageLimit ?? (legacy ? 60 : 200);
  if (!Number.isInteger(companies) || companies < 0) throw new TypeError(`companies must be a non-negative integer, got ${companies}`);
  if (!Number.isInteger(pageLimit) || pageLimit < 1) throw new TypeError(`pageLimit must be a positive integer, got ${pageLimit}`);

  const registry = buildObjects({ legacy, stages: options.opportunityStages });
  const dbFile = options.dbFile ?? '.data/emulator.sqlite';
  const db = openDb(dbFile, registry);
  try {
    const seed = options.seed ?? 42;
    if (!seedIfEmpty(db, registry, seed, { companies })) {
      // The file kept its data: say so when the asked-for seed or size differs, rather than
      // silently serving other data than requested.
      const warning = seedMismatchWarning(db, dbFile, seed, { companies });
      if (warning) (options.onWarning ?? console.warn)(warning);
    }
    ensureIndexes(db, registry);
  } catch (error) {
    db.close();
    throw error;
  }
  const store = new Store(db, registry);
  const controls = new Controls();
  if (options.latencyMs !== undefined) controls.setLatency(options.latencyMs);
  const rateLimiter = new RateLimiter(options.rateLimit);
  const webhooks = new Webhooks();
  let baseUrl = '';
  const server = createServer({
    registry,
    rest: new RestHandler(store, registry, { pageLimit, legacy }, webhooks),
    webhooks,
    controls,
    rateLimiter,
    keys: new Map(Object.entries(DEMO_KEYS).map(([ws, key]) => [key, ws])),
    controlsEnabled: options.controls ?? true,
    legacy,
    baseUrl: () => baseUrl,
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error) => {
    db.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    keys: { ...DEMO_KEYS },
    workspaceIds: { acme: workspaceIdOf('acme'), globex: workspaceIdOf('globex') },
    stats: () => controls.stats(),
    reset: () => {
      controls.reset();
      rateLimiter.reset();
    },
    injectFault: (fault) => controls.injectFault(fault),
    setLatency: (latency) => controls.setLatency(latency),
    setRateLimit: (limit) => rateLimiter.configure(limit),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => {
          void webhooks.close().finally(() => {
            db.close();
            resolve();
          });
        });
        server.closeAllConnections();
      })),
  };
}
