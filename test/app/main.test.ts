import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

/** Runs `src/main.ts` as `npm start` does (tsx), with the given environment. */
function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(output: () => string, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > until) throw new Error(`no ${pattern} in output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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

  it('stops with exit code 2 and a message naming a bad variable', async () => {
    const run = start({ PORT: 'eighty' });
    children.push(run.child);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('Configuration error: PORT must be an integer');
  });
});
