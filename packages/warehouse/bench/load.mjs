#!/usr/bin/env node
// Load throughput into the warehouse targets: events → eventToRows → schema → one transaction per
// batch, as the data plane's warehouse stage does it. Reports events/s (wall clock), the loader
// process's CPU per 1,000 events, and its RSS sampled after every batch (start, peak, end).
// Postgres's own CPU is in its server process and is not included.
//
//   npm run build && node --import tsx packages/warehouse/bench/load.mjs [events] [duckdb|postgres|all]
//
// The events are a mix shaped like real traffic: tracks of a few names with properties and a full
// context, identifies with traits, pages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb, openPostgres, WarehouseLoader } from '../dist/index.js';

const N = Number(process.argv[2] ?? 200_000);
const which = process.argv[3] ?? 'all';
const BATCH = 5000;

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

async function run(name, target) {
  const loader = await WarehouseLoader.open(target, { flavour: 'postgres' });
  const rss = [process.memoryUsage().rss];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  for (let start = 0; start < N; start += BATCH) {
    const events = [];
    for (let i = start; i < Math.min(N, start + BATCH); i++) events.push({ event: event(i), sourceId: 'bench' });
    const summary = await loader.load(events, Math.min(N, start + BATCH));
    rows += summary.rows;
    rss.push(process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await loader.close();
  const mb = (b) => (b / 2 ** 20).toFixed(0);
  const result = {
    target: name,
    events: N,
    rows,
    seconds: Number(seconds.toFixed(1)),
    eventsPerSecond: Math.round(N / seconds),
    cpuMsPer1000: Number(((cpu.user + cpu.system) / 1000 / (N / 1000)).toFixed(1)),
    eventsPerCpuSecond: Math.round(N / ((cpu.user + cpu.system) / 1e6)),
    rssMiB: { start: mb(rss[0]), peak: mb(Math.max(...rss)), end: mb(rss[rss.length - 1]) },
  };
  console.log(JSON.stringify(result));
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'rudder-wh-bench-'));
try {
  if (which === 'all' || which === 'duckdb') await run('duckdb', await openDuckDb(join(dir, 'bench.duckdb')));
  if (which === 'all' || which === 'postgres') {
    const { startPostgres } = await import('../test/support/postgres-server.ts');
    const server = await startPostgres();
    try {
      await run('postgres', await openPostgres(server.url));
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
