/**
 * Benchmarked servers run as child processes, so that their CPU time and memory are their own
 * (the harness process hosts the emulator and the load generator). A preloaded probe
 * (cpu-probe.mjs) reports a child's CPU and RSS over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

const PROBE = fileURLToPath(new URL('./cpu-probe.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  name: string;
  /** e.g. http://127.0.0.1:41234/graphql */
  graphqlUrl: string;
  pid: number;
  /** CPU time (user + system) the process has used so far, and its RSS. */
  usage(): Promise<{ cpuMs: number; rssBytes: number }>;
  /** The last lines it wrote to stderr (and stdout when kept), for error messages. */
  output(): string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface StartOptions {
  name: string;
  /** Node arguments after the probe: script and its arguments. */
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  port: number;
  /** Keep stdout in `output()` (off by default: request logs would only cost time). */
  keepStdout?: boolean;
  readyTimeoutMs?: number;
}

/** Starts `node --import <probe> …args` and waits until `POST /graphql { __typename }` answers 200. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', PROBE, ...options.args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? 128 : 0);
      resolve();
    }),
  );
  const graphqlUrl = `http://127.0.0.1:${options.port}/graphql`;
  const output = () => lines.join('\n');

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) throw new Error(`${options.name} exited with ${exited} before it was ready:\n${output()}`);
    try {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output()}`);
    }
    await sleep(150);
  }

  return {
    name: options.name,
    graphqlUrl,
    pid: child.pid!,
    output,
    usage: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name} did not report its usage`)), 5_000);
        const onMessage = (message: any) => {
          if (message?.usage) {
            clearTimeout(timer);
            child.off('message', onMessage);
            resolve(message.usage);
          }
        };
        child.on('message', onMessage);
        child.send('usage');
      }),
    async close() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

/**
 * The BFF's own outbound budget lifted, for speed runs (the emulator's limit is off too), so
 * throughput measures the BFF and not the budget; the budget suite measures that. The budget
 * includes the calls in flight per key (`UPSTREAM_CONCURRENCY_PER_WORKSPACE`, 16 by default):
 * the hand-written systems have no such cap, so it is lifted too.
 */
export const UNLIMITED_BUDGET_ENV = {
  TWENTY_RATE_LIMIT_PER_MINUTE: '1000000',
  TWENTY_RATE_LIMIT_PER_SECOND: '1000000',
  UPSTREAM_CONCURRENCY_PER_WORKSPACE: '10000',
};

/**
 * The BFF as users run it (`src/main.ts`, as `npm start` does) against `upstreamUrl`, with
 * production settings. `env` adds or overrides variables (budget, limits, …); a value its config
 * refuses fails the start with the config's message.
 */
export async function startBff(upstreamUrl: string, env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess({
    name: 'twenty-bff',
    args: ['--import', 'tsx', 'src/main.ts'],
    port,
    env: {
      NODE_ENV: 'production',
      TWENTY_API_URL: upstreamUrl,
      TWENTY_API_KEY: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      GRAPHIQL: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
}
