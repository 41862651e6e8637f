/**
 * The systems `npm run bench` compares, each able to run any screen: the BFF and GraphQL Mesh
 * (child processes answering GraphQL), naive resolvers and the minimal REST plan (hand-written,
 * in the harness).
 */
import type { Emulator } from '../../src/emulator/index.js';
import type { Screen } from '../screens/index.js';
import type { Digest } from '../screens/digest.js';
import type { ScreenVars } from '../screens/vars.js';
import { queryData } from './graphql.js';
import { composeMesh, ensureMesh, startMesh } from './mesh.js';
import { fileURLToPath } from 'node:url';
import { freePort, startBff, startServerProcess, type ServerProcess } from './processes.js';
import { restClient } from './rest.js';

export const SYSTEM_LABELS: Record<string, string> = {
  bff: 'twenty-bff',
  naive: 'naive resolvers',
  mesh: 'GraphQL Mesh',
  plan: 'minimal plan',
  hop: 'minimal plan behind a bare proxy',
};

/** The bare forwarding server of the `hop` system (forward-proxy.mjs). */
const FORWARD_PROXY = fileURLToPath(new URL('./forward-proxy.mjs', import.meta.url));

export interface System {
  name: string;
  /** One run of the screen (answer read, not reduced); `signal` abandons a GraphQL request. */
  run(screen: Screen, vars: ScreenVars, signal?: AbortSignal): Promise<unknown>;
  /** One run, reduced to the screen's digest. */
  answer(screen: Screen, vars: ScreenVars): Promise<Digest>;
  /** The server process, for GraphQL systems: its CPU time is the per-request cost. */
  server?: ServerProcess;
  close(): Promise<void>;
}

export interface SystemSetup {
  emulator: Emulator;
  /** Labels the composed Mesh supergraph (one per data set). */
  label: string;
  /** Extra variables for the BFF process. */
  bffEnv?: Record<string, string>;
  log(line: string): void;
  /** Filled with the versions of Mesh's packages when Mesh runs. */
  versions?: Record<string, string>;
}

function graphqlSystem(name: string, server: ServerProcess, key: string, side: 'bff' | 'mesh'): System {
  const run = (screen: Screen, vars: ScreenVars, signal?: AbortSignal) =>
    queryData(server.graphqlUrl, screen[side].query, screen[side].variables(vars), key, signal);
  return {
    name,
    server,
    run,
    answer: async (screen, vars) => screen[side].digest(await run(screen, vars)),
    close: () => server.close(),
  };
}

export async function startSystems(names: string[], setup: SystemSetup): Promise<System[]> {
  const key = setup.emulator.keys.acme;
  const rest = restClient(setup.emulator.url, key);
  const systems: System[] = [];
  try {
    for (const name of names) {
      if (name === 'bff') systems.push(graphqlSystem(name, await startBff(setup.emulator.url, setup.bffEnv), key, 'bff'));
      else if (name === 'mesh') {
        Object.assign((setup.versions ??= {}), await ensureMesh(setup.log));
        const supergraph = await composeMesh(setup.emulator.url, key, setup.label);
        systems.push(graphqlSystem(name, await startMesh(supergraph), key, 'mesh'));
      } else if (name === 'naive' || name === 'plan') {
        const run = (screen: Screen, vars: ScreenVars) => screen[name](rest, vars);
        systems.push({ name, run, answer: run, close: async () => {} });
      } else if (name === 'hop') {
        // The minimal plan with one bare server process between it and Twenty: the floor of any BFF.
        const port = await freePort();
        const server = await startServerProcess({ name: 'forward proxy', args: [FORWARD_PROXY], port, env: { TARGET: setup.emulator.url, PORT: String(port) } });
        const through = restClient(server.graphqlUrl.replace(/\/graphql$/, ''), key);
        const run = (screen: Screen, vars: ScreenVars) => screen.plan(through, vars);
        systems.push({ name, run, answer: run, server, close: () => server.close() });
      } else throw new Error(`BENCH_SYSTEMS: unknown system '${name}' (bff, naive, mesh, plan, hop)`);
    }
  } catch (error) {
    await Promise.all(systems.map((s) => s.close()));
    throw error;
  }
  return systems;
}
