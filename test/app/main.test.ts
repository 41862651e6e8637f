import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { startNode, waitFor, type RunningProcess } from '../support/process.js';

/** Runs `src/main.ts` as `npm start` does (tsx), with the given environment. */
const start = (env: Record<string, string>): RunningProcess =>
  startNode(['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env } });

describe('npm start (src/main.ts)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

  it('starts the embedded emulator and the GraphQL server, prints both URLs and the demo keys, and serves the demo', async () => {
    const run = start({ PORT: '0', HOST: '127.0.0.1', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:', EMULATOR_COMPANIES: '12' });
    children.push(run.child);
    const [, graphqlUrl] = await waitFor(run.output, /GraphQL: (http:\/\/\S+\/graphql)/);
    await waitFor(run.output, /Embedded Twenty emulator: http:\/\/127\.0\.0\.1:\d+\/rest/);
    // The lines may arrive in separate chunks: wait for the last one.
    await waitFor(run.output, /demo-globex-key/);
    expect(run.output()).toContain('demo-acme-key');
    expect(run.output()).toContain('demo-globex-key');

    // No Authorization header: the embedded demo answers with the acme key.
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ companies(first: 1) { totalCount edges { node { name } } } }' }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.companies.totalCount).toBe(12);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('against a real Twenty: on SIGTERM stops accepting, answers the request in flight, then exits 0', async () => {
    const emulator = await startEmulator({ dbFile: ':memory:', companies: 3, rateLimit: false, latencyMs: 1_500 });
    try {
      const run = start({ PORT: '0', HOST: '127.0.0.1', TWENTY_API_URL: emulator.url, TWENTY_API_KEY: emulator.keys.acme });
      children.push(run.child);
      const [, graphqlUrl] = await waitFor(run.output, /GraphQL: (http:\/\/\S+\/graphql)/);
      // Printed just after the GraphQL line, possibly in a later chunk of output.
      await waitFor(run.output, /Upstream Twenty:/);
      const inFlight = fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ companies(first: 1) { totalCount } }' }),
      });
      for (let i = 0; i < 100 && !emulator.stats().requests.log.some((call) => call.workspace === 'acme'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      run.child.kill('SIGTERM');
      await waitFor(run.output, /SIGTERM: no new connections/);
      await expect(fetch(graphqlUrl.replace('/graphql', '/health'))).rejects.toThrow();
      const body = (await (await inFlight).json()) as any;
      expect(body.data.companies.totalCount).toBe(3);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('every request in flight was answered');
    } finally {
      await emulator.close();
    }
  });

  it('stops with exit code 2 and a message naming a bad variable', async () => {
    const run = start({ PORT: 'eighty' });
    children.push(run.child);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('Configuration error: PORT must be an integer');
  });
});
