/**
 * A real redis-server for a test, on a free port, without persistence. A missing binary fails the
 * test with the command that installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../../../test/support/free-port.js';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server on `port` (a free one by default: a test restarts it empty on the same port). */
export async function startRedis(port?: number): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server`');
  }
  port ??= await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, exited);
  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForPing(url: string, exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 10_000;
  // Nothing announces readiness: PING until it answers, with a deadline.
  while (Date.now() < deadline && !dead) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(dead ? 'redis-server exited at start' : 'redis-server did not answer PING within 10 s');
}
