/**
 * A real PostgreSQL server for a test, from Debian's `postgresql` package, on a free port in a fresh
 * data directory. Postgres refuses to run as root, so initdb and the server run as the `postgres`
 * user when the tests run as root. A missing binary fails the test with the command that installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../../test/support/free-port.js';

export interface PostgresServer {
  url: string;
  port: number;
  /** The postmaster's process id (the benchmark reads the server's CPU time under it). */
  pid: number;
  stop(): Promise<void>;
}

/** The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))) : [];
  if (majors.length === 0) throw new Error('PostgreSQL is not installed: run `apt-get install -y postgresql`');
  return join(base, majors.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'rudder-pg-'));
  // As root, initdb and the server run as the `postgres` user (spawn's uid/gid), since Postgres
  // refuses to run as root.
  const user = process.getuid?.() === 0 ? postgresUser() : {};
  if ('uid' in user) chownSync(dir, user.uid!, user.gid!);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], {
    encoding: 'utf8',
    cwd: dir,
    ...user,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error}`);
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir];
  for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']) args.push('-c', setting);
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, { stdio: 'ignore', cwd: dir, ...user });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForConnect(url, exited);
  return {
    url,
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid?: number; gid?: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    throw new Error('running as root needs the `postgres` user: run `apt-get install -y postgresql`');
  }
  return { uid, gid };
}

async function waitForConnect(url: string, exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 30_000;
  // The server announces readiness only in its log: connect until it answers, with a deadline.
  while (Date.now() < deadline && !dead) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(dead ? 'postgres exited at start' : 'postgres did not accept connections within 30 s');
}
