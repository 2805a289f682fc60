#!/usr/bin/env node
// Ingest benchmark: gzip'd /v1/batch requests of ~1000 events of ~430 bytes against the built data plane
// running in a child process; reports events/s, request latency and the server's RSS as events pile up.
//   node packages/dataplane/bench/ingest.mjs [--events 1000000] [--batch 1000] [--concurrency 4] [--engine node:sqlite]
// --engine picks the storage engine (node:sqlite, bun:sqlite, better-sqlite3); default the runtime's own.
// BENCH_PROF=1 writes CPU profiles of the server process to /tmp/dp-cpuprof; BENCH_SERVER_FLAGS='--trace-gc …'
// passes Node/V8 flags to the server process (--trace-gc prefixes each line with its thread's isolate).
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    bodies: { type: 'string', default: '16' },
    engine: { type: 'string' },
  },
});
const TOTAL = Number(values.events);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const here = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(join(here, '../dist/index.js'))) {
  console.error('build first: npm run build -w packages/dataplane');
  process.exit(1);
}

function event(i) {
  const now = new Date().toISOString();
  return {
    type: 'track',
    event: 'Order Completed',
    userId: `user-${i % 5000}`,
    properties: { orderId: `ord-${i}`, revenue: 19.99, currency: 'USD', products: [{ sku: 'sku-1', qty: 2 }] },
    context: { library: { name: 'rudderanalytics', version: '0.1.0' }, ip: '203.0.113.9' },
    integrations: { All: true },
    messageId: randomUUID(),
    originalTimestamp: now,
    sentAt: now,
    channel: 'server',
  };
}

// Distinct pre-compressed bodies, reused round-robin, so the client spends its time sending.
const bodies = [];
let eventBytes = 0;
for (let b = 0; b < Number(values.bodies); b++) {
  const batch = Array.from({ length: BATCH }, (_, i) => event(b * BATCH + i));
  const json = JSON.stringify({ batch });
  eventBytes = json.length / BATCH;
  bodies.push(gzipSync(json));
}

const dir = mkdtempSync(join(tmpdir(), 'dataplane-bench-'));
const dbPath = join(dir, 'bench.db');
const child = fork(join(here, 'server-child.mjs'), {
  env: { ...process.env, BENCH_DB: dbPath, BENCH_ENGINE: values.engine ?? '' },
  execArgv: [
    ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/dp-cpuprof'] : []),
    ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
  ],
});
const ask = (kind) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.kind === kind) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    if (kind !== 'ready') child.send({ kind });
  });
const { url, writeKey, engine } = await ask('ready');
const target = new URL(`${url}/v1/batch`);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

function send(body) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: { Authorization: auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const requests = Math.ceil(TOTAL / BATCH);
const sampleEvery = Math.max(1, Math.floor(requests / 10));
const latencies = [];
const samples = [{ events: 0, ...(await ask('stats')) }];
let next = 0;
let sent = 0;
const t0 = performance.now();
async function worker() {
  while (next < requests) {
    const n = next++;
    latencies.push(await send(bodies[n % bodies.length]));
    sent += BATCH;
    if ((n + 1) % sampleEvery === 0) samples.push({ events: sent, seconds: (performance.now() - t0) / 1000, ...(await ask('stats')) });
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (performance.now() - t0) / 1000;
const final = await ask('stats');
child.send({ kind: 'stop' });
await new Promise((r) => child.once('exit', r));

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const mb = (b) => (b / 1024 / 1024).toFixed(0);
console.log(
  `\ndataplane ingest: ${sent.toLocaleString()} events, ${BATCH}/batch, ~${eventBytes.toFixed(0)} B/event, gzip, concurrency ${CONCURRENCY}`,
);
const runtime = globalThis.Bun ? `Bun ${globalThis.Bun.version}` : `Node ${process.versions.node}`;
console.log(`runtime: ${runtime}; storage engine: ${engine}`);
console.log(
  `throughput: ${Math.round(sent / seconds).toLocaleString()} events/s (${seconds.toFixed(1)} s); request latency p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
);
console.log(`stored rows: ${final.count.toLocaleString()}; database ${mb(statSync(dbPath).size)} MB`);
// Other work on the machine moves events/s a lot; CPU time per event does not, so report both.
const cpuPer1000 = ((final.cpuMs - samples[0].cpuMs) / sent) * 1000;
console.log(`server CPU time (main + writer thread): ${cpuPer1000.toFixed(1)} ms per 1000 events`);
console.log(
  `machine: ${cpus().length} CPUs, load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
// RSS is the whole process (both threads, SQLite's page caches, malloc); the heap columns are the main thread's:
// used, committed, and the part committed to the young generation, whose size V8 picks by version.
const columns = ['events stored', 'server RSS MB', 'main heap used MB', 'main heap total MB', 'of which young gen MB', 'buffers outside the heap MB'];
console.log(columns.join(' | '));
console.log(columns.map((c) => '-'.repeat(c.length)).join(' | '));
for (const s of samples) {
  const cells = [String(s.events), mb(s.rss), mb(s.heapUsed), mb(s.heapTotal), mb(s.youngGen), mb(s.external)];
  console.log(cells.map((c, i) => c.padStart(columns[i].length)).join(' | '));
}
rmSync(dir, { recursive: true, force: true });
if (final.count !== sent) {
  console.error(`expected ${sent} stored rows, found ${final.count}`);
  process.exit(1);
}
