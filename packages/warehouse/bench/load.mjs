#!/usr/bin/env node
// Load throughput into the warehouse targets: events → eventToRows → schema → one transaction per
// batch, as the data plane's warehouse stage does it. Reports events/s (wall clock), the loader
// process's CPU per 1,000 events (making the events excluded), the machine's load average, and the
// RSS series sampled every 50,000 events. Postgres's own CPU is in its server process and is
// reported beside the loader's (from /proc). `none` runs the loader against a target that writes
// nothing: the loader's own JavaScript per event.
//
//   npm run build && node --import ./scripts/ts-loader/register.mjs packages/warehouse/bench/load.mjs [events] [duckdb|postgres|none|all]
//
// The events are a mix shaped like real traffic: tracks of a few names with properties and a full
// context, identifies with traits, pages.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb, openPostgres, WarehouseLoader } from '../dist/index.js';

const N = Number(process.argv[2] ?? 200_000);
const which = process.argv[3] ?? 'all';
const BATCH = 5000;
const RSS_EVERY = 50_000;

const context = {
  app: { name: 'shop', version: '4.2.0', build: '4200' },
  library: { name: 'rudderanalytics', version: '0.1.0' },
  os: { name: 'macOS', version: '14.5' },
  locale: 'en-GB',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  page: { path: '/checkout', url: 'https://shop.example.com/checkout', referrer: 'https://shop.example.com/cart' },
  traits: { plan: 'pro' },
};
const names = ['Order Completed', 'Product Viewed', 'Cart Updated', 'Checkout Started'];

function event(i) {
  const common = {
    messageId: `bench-${i}`,
    anonymousId: `anon-${i % 5000}`,
    userId: `user-${i % 2000}`,
    channel: 'server',
    context,
    originalTimestamp: '2024-05-01T10:00:00.000Z',
    sentAt: '2024-05-01T10:00:00.100Z',
    timestamp: '2024-05-01T10:00:00.000Z',
    receivedAt: '2024-05-01T10:00:00.200Z',
  };
  const kind = i % 10;
  if (kind < 7) {
    return {
      ...common,
      type: 'track',
      event: names[i % names.length],
      properties: {
        order_id: `o-${i}`,
        revenue: (i % 1000) / 10,
        currency: 'EUR',
        items: i % 7,
        coupon: i % 3 ? 'SPRING' : '',
        in_stock: i % 2 === 0,
      },
    };
  }
  if (kind < 9) return { ...common, type: 'page', name: 'Checkout', properties: { path: '/checkout', title: 'Checkout' } };
  return { ...common, type: 'identify', traits: { email: `user${i % 2000}@example.com`, plan: 'pro', logins: i % 40 } };
}

// Each event is its own object graph (as events parsed from the store are): nothing is shared between
// events that a cache keyed by identity could exploit.
const contextJson = JSON.stringify(context);

/** CPU seconds a process has used (user + system), from /proc. */
function procCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of every process in `pids`' trees (Postgres forks a backend per connection). */
function treeCpuSeconds(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      total += procCpuSeconds(p);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      if (children) stack.push(...children.split(' ').map(Number));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function run(name, target, serverPid) {
  const loader = await WarehouseLoader.open(target, { flavour: 'postgres' });
  const mb = (b) => Math.round(b / 2 ** 20);
  const rss = [[0, mb(process.memoryUsage().rss)]];
  let cpuMicros = 0;
  const server0 = serverPid ? treeCpuSeconds(serverPid) : 0;
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const t0 = performance.now();
  let rows = 0;
  for (let start = 0; start < N; start += BATCH) {
    const events = [];
    for (let i = start; i < Math.min(N, start + BATCH); i++) {
      const e = event(i);
      e.context = JSON.parse(contextJson);
      events.push({ event: e, sourceId: 'bench' });
    }
    const cpu0 = process.cpuUsage();
    const summary = await loader.load(events, Math.min(N, start + BATCH));
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
    rows += summary.rows;
    const done = Math.min(N, start + BATCH);
    if (done % RSS_EVERY === 0 || done === N) rss.push([done, mb(process.memoryUsage().rss)]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = serverPid ? treeCpuSeconds(serverPid) - server0 : undefined;
  // Closing checkpoints what the WAL still holds: timed apart, so a target that defers work to its
  // close is not flattered by the rate above.
  const close0 = process.cpuUsage();
  const closeT0 = performance.now();
  await loader.close();
  const closeCpu = process.cpuUsage(close0);
  const closeMs = performance.now() - closeT0;
  const result = {
    target: name,
    events: N,
    rows,
    seconds: Number(seconds.toFixed(1)),
    eventsPerSecond: Math.round(N / seconds),
    loaderCpuMsPer1000: Number((cpuMicros / 1000 / (N / 1000)).toFixed(1)),
    loaderEventsPerCpuSecond: Math.round(N / (cpuMicros / 1e6)),
    closeMs: Math.round(closeMs),
    closeCpuMs: Math.round((closeCpu.user + closeCpu.system) / 1000),
    ...(serverCpu === undefined ? {} : { serverCpuMsPer1000: Number(((serverCpu * 1000) / (N / 1000)).toFixed(1)) }),
    loadAverage: { start: load0, end: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') },
    rssMiB: { peak: Math.max(...rss.map(([, m]) => m)), series: rss.map(([n, m]) => `${n / 1000}k:${m}`).join(' ') },
  };
  console.log(JSON.stringify(result));
  return result;
}

/** A target that writes nothing: what the loader's own JavaScript costs. */
function nullTarget() {
  return {
    description: 'none',
    readSchema: async () => ({}),
    readCursor: async () => 0,
    apply: async () => undefined,
    describe: async () => [],
    latestDiscards: async () => [],
    latestRefused: async () => [],
    query: async () => [],
    close: async () => undefined,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'rudder-wh-bench-'));
try {
  if (which === 'all' || which === 'none') await run('none', nullTarget());
  if (which === 'all' || which === 'duckdb') await run('duckdb', await openDuckDb(join(dir, 'bench.duckdb')));
  if (which === 'all' || which === 'postgres') {
    const { startPostgres } = await import('../test/support/postgres-server.ts');
    const server = await startPostgres();
    try {
      await run('postgres', await openPostgres(server.url), server.pid);
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
