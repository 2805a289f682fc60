// CPU cost per event of the durable file store against the default in-memory queue.
//
//   npm run build -w rudderanalytics && node packages/rudderanalytics/bench/durable.mjs [events]
//
// Each variant runs in its own child process (fresh JIT, its own heap), sending `events` track calls
// (default 100,000) to the workspace's benchmark sink (bench/sink.mjs, its own process, so its CPU is
// not counted) on 127.0.0.1. CPU is the child's user + system time from the first call until close()
// has delivered everything: serialization, batching, gzip, HTTP and, for the file store, the writes,
// the acknowledgements and the fsyncs. Calls are made in bursts of 1,000 with a turn of the event loop
// between bursts, like a busy server; the queue is large enough that nothing is dropped.
// If redis-server is installed, the Redis store is measured too (a server of its own on a free port;
// its CPU is not counted, the client's is).
import { fork, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const EVENTS = Number(process.env.DURABLE_BENCH_EVENTS ?? process.argv[2] ?? 100_000);
const BURST = 1000;

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else await main();

async function main() {
  const sinkPath = fileURLToPath(new URL('../../../bench/sink.mjs', import.meta.url));
  const sink = fork(sinkPath, ['ok'], { stdio: 'inherit' });
  const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)));
  const ask = (type) =>
    new Promise((resolve) => {
      sink.once('message', (m) => resolve(m));
      sink.send({ type });
    });
  const variants = [
    { name: 'memory (default)', store: 'memory' },
    { name: "file, fsync 'never'", store: 'file', fsync: 'never' },
    { name: "file, fsync 'batch'", store: 'file', fsync: 'batch' },
    { name: "file, fsync 'always'", store: 'file', fsync: 'always', events: Math.min(EVENTS, 10_000) },
  ];
  const redis = await startRedis();
  if (redis) variants.push({ name: 'redis stream', store: 'redis', redisUrl: redis.url });
  else console.log('(redis-server not installed: the Redis store is not measured; apt-get install -y redis-server)');
  const rows = [];
  for (const variant of variants) {
    const events = variant.events ?? EVENTS;
    await ask('reset');
    const dir = mkdtempSync(join(tmpdir(), 'rudder-bench-durable-'));
    const result = await runChild({ ...variant, events, dir, url: `http://127.0.0.1:${port}` });
    rmSync(dir, { recursive: true, force: true });
    const { stats } = await ask('stats');
    rows.push({ ...variant, events, ...result, unique: stats.unique });
  }
  sink.send({ type: 'exit' });
  redis?.stop();
  const base = rows[0].cpuUs / rows[0].events;
  const table = [
    ['variant', 'events', 'delivered (unique)', 'wall ms', 'CPU ms', 'CPU µs/event', 'vs memory'],
    ...rows.map((r) => [
      r.name,
      String(r.events),
      String(r.unique),
      r.wallMs.toFixed(0),
      (r.cpuUs / 1000).toFixed(0),
      (r.cpuUs / r.events).toFixed(2),
      `${(r.cpuUs / r.events / base).toFixed(2)}×`,
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row) => '| ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |';
  console.log(line(table[0]));
  console.log('| ' + widths.map((w, c) => (c === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ') + ' |');
  for (const row of table.slice(1)) console.log(line(row));
  for (const r of rows) if (r.unique !== r.events) console.log(`warning: ${r.name} delivered ${r.unique} of ${r.events}`);
}

function runChild(config) {
  return new Promise((resolve, reject) => {
    const proc = fork(here, ['--child', JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', resolve);
    proc.once('exit', (code) => code !== 0 && reject(new Error(`${config.name} exited with ${code}`)));
  });
}

async function child(config) {
  const { RudderAnalytics } = await import('rudderanalytics');
  const { FileStore } = await import('rudderanalytics/node');
  let storage;
  if (config.store === 'file') storage = new FileStore({ dir: config.dir, fsync: config.fsync });
  if (config.store === 'redis') {
    const { RedisStore } = await import('rudderanalytics/redis');
    storage = new RedisStore({ redis: config.redisUrl, stream: `bench:${process.pid}` });
    await storage.flush(); // connected and set up before the clock starts, like the other variants
  }
  const client = RudderAnalytics.load('bench-write-key', config.url, { storage, maxQueueSize: config.events + 1 });
  const properties = { sku: 'A-1042', price: 19.99, quantity: 2, currency: 'EUR', tags: ['sale', 'summer'] };
  const start = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < config.events; i += BURST) {
    for (let j = i; j < Math.min(config.events, i + BURST); j++) {
      client.track({ userId: `user-${j % 1000}`, event: 'Product Added', properties });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await client.close();
  const cpu = process.cpuUsage(start);
  process.send({ cpuUs: cpu.user + cpu.system, wallMs: performance.now() - wallStart }, () => process.exit(0));
}

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) return undefined;
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const { Redis } = await import('ioredis');
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill('SIGKILL') };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  proc.kill('SIGKILL');
  return undefined;
}
