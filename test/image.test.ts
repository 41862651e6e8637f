/**
 * The production image, built the way the Dockerfile builds it but without a Docker engine:
 * dist/ compiled by tsconfig.build.json, production dependencies installed alone with the
 * lockfile (`npm ci --omit=dev`) in a directory of its own, then `node dist/main.js` against an
 * emulator, as the image's CMD runs it, probed with the image's own HEALTHCHECK command.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { startNode, waitFor, type RunningProcess } from './support/process.js';

const run = promisify(execFile);
const dockerfile = readFileSync('Dockerfile', 'utf8');
/** The instructions of the Dockerfile's last stage: what the image is at run time. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** Runs the image's CMD in `dir`, with only the environment given (and PATH). */
const startImage = (dir: string, env: Record<string, string>): RunningProcess =>
  startNode(['dist/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...env },
  });

describe('the production image', () => {
  let dir: string;
  let emulator: Emulator;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twenty-bff-image-'));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')]);
    // What the runtime stage copies from the build context (package.json, schema/, dashboard/, …),
    // read from the Dockerfile itself, and the lockfile the deps stage installs from.
    const fromContext = [...runtimeStage.matchAll(/^COPY (?!--)(\S+) \S+$/gm)].map((match) => match[1]);
    expect(fromContext).toContain('schema');
    for (const path of ['package-lock.json', ...fromContext]) cpSync(path, join(dir, path), { recursive: true });
    // As the Dockerfile's deps stage; from npm's cache when it holds the packages already.
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
    emulator = await startEmulator({ dbFile: ':memory:', companies: 4, rateLimit: false });
  }, 180_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is described by a Dockerfile whose runtime runs dist/ as a non-root user with production dependencies and a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtimeStage).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^HEALTHCHECK /m);
    expect(runtimeStage).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(runtimeStage).not.toMatch(/src|tsx|emulator\.sqlite/);
  });

  it('holds neither the emulator nor development dependencies', () => {
    expect(existsSync(join(dir, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist/emulator'))).toBe(false);
    for (const dev of ['better-sqlite3', 'tsx', 'typescript', 'vitest', '@graphql-codegen/cli']) {
      expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(dir, 'node_modules/graphql-yoga'))).toBe(true);
  });

  it('serves GraphQL against a real Twenty, ready, healthy by its HEALTHCHECK, with production defaults, and stops on SIGTERM', async () => {
    const image = startImage(dir, { TWENTY_API_URL: emulator.url, LOG_LEVEL: 'info' });
    children.push(image.child);
    const [, url] = await waitFor(image.output, /GraphQL: (http:\/\/[\d.:]+)\/graphql/);
    const query = (text: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.keys.acme}` },
        body: JSON.stringify({ query: text }),
      }).then((response) => response.json() as Promise<any>);
    expect((await query('{ companies(first: 2) { totalCount edges { node { name } } } }')).data.companies.totalCount).toBe(4);
    expect((await query('{ __schema { types { name } } }')).errors[0].message).toMatch(/introspection has been disabled/);
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    const healthcheck = /^HEALTHCHECK[^\n]*\\\n\s*CMD node -e "(.*)"$/m.exec(runtimeStage)?.[1];
    expect(healthcheck).toBeDefined();
    const probe = await run(process.execPath, ['-e', healthcheck!], { env: { ...process.env, PORT: new URL(url).port } });
    expect(probe.stderr).toBe('');

    image.child.kill('SIGTERM');
    expect(await image.exited).toBe(0);
    expect(image.output()).toMatch(/"level":30,.*"msg":"Stopped/);
  });

  it('refuses to start without TWENTY_API_URL, naming the variable', async () => {
    const image = startImage(dir, {});
    children.push(image.child);
    expect(await image.exited).toBe(2);
    expect(image.output()).toContain('TWENTY_API_URL is not set and this build has no embedded emulator');
  });
});
