// kill -9 of the data plane in the middle of a warehouse load, then a restart: every stored event is
// in the warehouse exactly once (with a transformation: every output of it). The data plane runs as its
// own process (`rudder dev --warehouse`), loading in small transactions so the kill lands between and
// inside them.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '@rudderanalytics/warehouse';
import pg from 'pg';
import { backfillWarehouse } from '../src/index.js';
import { startPostgres, type PostgresServer } from '../../warehouse/test/support/postgres-server.js';
import { basic, tempDir } from './support/helpers.js';

const BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const EVENTS = 20_000;

let server: PostgresServer;
const tmp = tempDir();
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  tmp.remove();
});

interface Child {
  proc: ChildProcess;
  url: string;
  lines: string[];
  waitFor(re: RegExp): Promise<void>;
}

async function startChild(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, 'dev', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.re.test(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const waitFor = (re: RegExp) =>
    lines.some((l) => re.test(l))
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ re, resolve });
          proc.once('exit', () => reject(new Error(`data plane exited before ${re}: ${lines.join('\n')}`)));
        });
  await waitFor(/listening on http/);
  const url = /listening on (http:\/\/\S+)/.exec(lines.find((l) => /listening on/.test(l))!)![1];
  return { proc, url, lines, waitFor };
}

async function ingest(url: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + 1000); i++) {
      batch.push({ type: 'track', event: 'Crash Test', userId: `u${i % 50}`, messageId: `m-${i}`, properties: { n: i } });
    }
    const res = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic('dev_rudderanalytics_local'), 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    assert.equal(res.status, 200, await res.text());
  }
}

async function killNow(child: Child): Promise<void> {
  const exited = once(child.proc, 'exit');
  child.proc.kill('SIGKILL');
  await exited;
}

test('Postgres: kill -9 mid-load, restart, every event loaded exactly once', async () => {
  const db = join(tmp.dir, 'pg-events.db');
  const args = ['--db', db, '--warehouse', server.url, '--warehouse-batch', '200'];
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const cursor = async () =>
    Number((await client.query('SELECT position FROM rudder_local_load_cursor WHERE id = 1').catch(() => ({ rows: [] }))).rows[0]?.position ?? 0);

  const first = await startChild(args);
  await ingest(first.url, 0, EVENTS);
  // The cursor is committed with the rows: watch it move, and kill while it is short of the end.
  const deadline = Date.now() + 60_000;
  while ((await cursor()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await killNow(first);
  const atKill = await cursor();
  assert.ok(atKill > 0 && atKill < EVENTS, `killed mid-load (cursor ${atKill} of ${EVENTS})`);
  const loadedAtKill = Number((await client.query('SELECT count(*) AS n FROM crash_test')).rows[0].n);
  assert.equal(loadedAtKill, atKill, 'rows and cursor committed together');

  const second = await startChild(args);
  while ((await cursor()) < EVENTS && Date.now() < deadline + 120_000) await new Promise((r) => setTimeout(r, 50));
  const { rows } = await client.query(
    'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(n)::int AS lo, max(n)::int AS hi FROM crash_test',
  );
  assert.deepEqual(rows[0], { n: EVENTS, ids: EVENTS, lo: 0, hi: EVENTS - 1 });
  const tracks = await client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM tracks');
  assert.deepEqual(tracks.rows[0], { n: EVENTS, ids: EVENTS });
  await killNow(second);
  await client.end();
});

test('DuckDB: kill -9 mid-load, then the backfill resumes from the cursor: every event exactly once', async () => {
  const db = join(tmp.dir, 'duck-events.db');
  const file = join(tmp.dir, 'events.duckdb');
  const child = await startChild(['--db', db, '--warehouse', `duckdb:${file}`, '--warehouse-batch', '200']);
  await ingest(child.url, 0, EVENTS);
  // The stage reports its first new tables right after its first commit.
  await child.waitFor(/warehouse: new tables/);
  await killNow(child);

  const target = await openDuckDb(file);
  const atKill = await target.readCursor();
  const [{ n }] = await target.query('SELECT count(*) AS n FROM crash_test');
  await target.close();
  assert.ok(atKill > 0 && atKill < EVENTS, `killed mid-load (cursor ${atKill} of ${EVENTS})`);
  assert.equal(Number(n), atKill, 'rows and cursor committed together');

  const result = await backfillWarehouse({ from: db, to: `duckdb:${file}` });
  assert.equal(result.from, atKill);
  assert.equal(result.to, EVENTS);
  const after = await openDuckDb(file);
  const [counts] = await after.query('SELECT count(*) AS n, count(DISTINCT id) AS ids, min(n) AS lo, max(n) AS hi FROM crash_test');
  await after.close();
  assert.deepEqual(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])), { n: EVENTS, ids: EVENTS, lo: 0, hi: EVENTS - 1 });
});

test('Postgres with a transformation: kill -9 mid-load, restart, every output loaded exactly once', async () => {
  const TRANSFORMED = 600;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE transformed');
  await admin.end();
  const url = server.url.replace(/\/postgres$/, '/transformed');
  // Drops every 5th event, splits every 7th into two, and adds a property to the rest.
  const code = join(tmp.dir, 'crash-transformation.js');
  writeFileSync(
    code,
    `export function transformEvent(event) {
  const n = event.properties.n;
  if (n % 5 === 0) return null;
  event.properties.doubled = n * 2;
  if (n % 7 === 0) return [event, { ...event, event: 'Crash Split', messageId: event.messageId + '-split' }];
  return event;
}
`,
  );
  const args = ['--db', join(tmp.dir, 'tx-events.db'), '--transformation', code, '--warehouse', url, '--warehouse-batch', '50'];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const cursor = async () =>
    Number((await client.query('SELECT position FROM rudder_local_load_cursor WHERE id = 1').catch(() => ({ rows: [] }))).rows[0]?.position ?? 0);

  const first = await startChild(args);
  await ingest(first.url, 0, TRANSFORMED);
  const deadline = Date.now() + 60_000;
  while ((await cursor()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await killNow(first);
  const atKill = await cursor();
  assert.ok(atKill > 0 && atKill < TRANSFORMED, `killed mid-load (cursor ${atKill} of ${TRANSFORMED})`);

  const second = await startChild(args);
  while ((await cursor()) < TRANSFORMED && Date.now() < deadline + 120_000) await new Promise((r) => setTimeout(r, 50));
  await killNow(second);
  const kept = [...Array(TRANSFORMED).keys()].filter((n) => n % 5 !== 0);
  const { rows } = await client.query(
    'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, count(*) FILTER (WHERE doubled = n * 2)::int AS doubled FROM crash_test',
  );
  assert.deepEqual(rows[0], { n: kept.length, ids: kept.length, doubled: kept.length });
  const split = await client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM crash_split');
  const splits = kept.filter((n) => n % 7 === 0).length;
  assert.deepEqual(split.rows[0], { n: splits, ids: splits });
  await client.end();
});
