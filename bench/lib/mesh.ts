/**
 * The GraphQL Mesh baseline (bench/mesh/): installed there on first use with `npm ci` from its
 * own lockfile, composed against the emulator's OpenAPI document, served by Hive Gateway as a
 * child process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, REPO_ROOT, startServerProcess, type ServerProcess } from './processes.js';

const run = promisify(execFile);
export const MESH_DIR = path.join(REPO_ROOT, 'bench', 'mesh');
const OUT_DIR = path.join(MESH_DIR, '.out');
const bin = (name: string) => path.join(MESH_DIR, 'node_modules', '.bin', name);
const PACKAGES = ['@graphql-mesh/compose-cli', '@omnigraph/openapi', '@graphql-hive/gateway'];

/** Installs bench/mesh's dependencies when they are missing; returns the versions in use. */
export async function ensureMesh(log: (line: string) => void): Promise<Record<string, string>> {
  if (!existsSync(bin('mesh-compose')) || !existsSync(bin('hive-gateway'))) {
    log('Installing GraphQL Mesh into bench/mesh (npm ci, about a minute, once)…');
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: MESH_DIR, maxBuffer: 16 * 1024 * 1024 });
  }
  return Object.fromEntries(
    PACKAGES.map((name) => [name, JSON.parse(readFileSync(path.join(MESH_DIR, 'node_modules', name, 'package.json'), 'utf8')).version]),
  );
}

/** Composes the supergraph for the Twenty (emulator) at `twentyUrl`; returns its file. */
export async function composeMesh(twentyUrl: string, key: string, label: string): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const output = path.join(OUT_DIR, `supergraph-${label}.graphql`);
  await run(process.execPath, [realpathSync(bin('mesh-compose'))], {
    cwd: MESH_DIR,
    env: { ...process.env, TWENTY_URL: twentyUrl, TWENTY_API_KEY: key, MESH_OUTPUT: output },
    maxBuffer: 16 * 1024 * 1024,
  });
  return output;
}

/** `hive-gateway supergraph <file>` in one process (`--fork 1`, as the BFF is one process). */
export async function startMesh(supergraph: string): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess({
    name: 'mesh',
    args: [realpathSync(bin('hive-gateway')), 'supergraph', supergraph, '--port', String(port), '--host', '127.0.0.1', '--fork', '1'],
    cwd: OUT_DIR,
    port,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' },
  });
}
