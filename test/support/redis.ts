import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo, type Socket } from 'node:net';

/**
 * A real, throwaway redis-server (Debian's, as `.ci/run` installs it) on a free loopback port,
 * without persistence. Resolves once it answers PING.
 */
export interface RunningRedis {
  /** e.g. redis://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** `port`: where to start it again after a test stopped it (an outage); a free one by default. */
export async function startRedis(options: { port?: number } = {}): Promise<RunningRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await answersPing(port, child)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        async close() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    child.kill('SIGKILL');
    await exited;
    // Another process may have taken the port between our probe and redis binding it.
    if (attempt >= 3) throw new Error('redis-server did not start (is /usr/bin/redis-server installed?)');
  }
}

/** A loopback port nothing listens on (now): for redis-server, or for a client that must find nobody there. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const pong = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (pong) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** A TCP proxy to the Redis at `port` whose connections can be cut (a network fault for one client only). */
export async function tcpProxy(port: number): Promise<{ url: string; cut(): void; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: net.Server;
  let listenPort = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(port, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => {
        listenPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await start();
  const stop = () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `redis://127.0.0.1:${listenPort}`,
    cut: stop,
    restore: start,
    async close() {
      stop();
    },
  };
}
