#!/usr/bin/env node
// Throughput of the offline runner against the floor (the same function called directly in Node), for a
// small transformEvent and a transformBatch over 1,000 events per call. CPU counts this process and the
// sandbox process (Linux /proc). Run after `npm run build`: node packages/transformations/bench/throughput.mjs
import { readFileSync } from 'node:fs';
import { TransformationRunner } from '../dist/index.js';

const EVENTS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const events = Array.from({ length: EVENTS }, (_, i) => ({
  type: 'track',
  event: i % 10 === 0 ? 'Drop Me' : 'Order Completed',
  messageId: `m-${i}`,
  userId: `u-${i % 50}`,
  anonymousId: `a-${i}`,
  properties: { revenue: i, currency: 'USD', sku: `sku-${i % 97}` },
  context: { library: { name: 'rudderanalytics', version: '0.1.0' }, ip: '127.0.0.1' },
  receivedAt: '2026-01-01T00:00:00.000Z',
}));

const body = `
  if (event.event === 'Drop Me') return null;
  event.properties = { ...event.properties, revenueCents: Math.round(event.properties.revenue * 100) };
  event.context.enriched = metadata(event).messageId !== undefined;
  return event;`;
const EVENT_CODE = `export function transformEvent(event, metadata) {${body}\n}`;
const BATCH_CODE = `export function transformBatch(events, metadata) {
  return events.map((event) => {${body}\n  }).filter(Boolean);
}`;

const ticks = 100; // USER_HZ on Linux
function childCpuMs(pid) {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return 0;
  }
}
const hostCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(label, fn, pid, eventsPerRound = EVENTS) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const cpu0 = hostCpuMs();
  const child0 = childCpuMs(pid());
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) await fn();
  const wall = performance.now() - t0;
  const cpu = hostCpuMs() - cpu0 + (childCpuMs(pid()) - child0);
  const n = ROUNDS * eventsPerRound;
  const row = { label, eventsPerSecond: Math.round(n / (wall / 1000)), cpuMsPer1000: +(cpu / (n / 1000)).toFixed(2) };
  console.log(
    `${label.padEnd(44)} ${String(row.eventsPerSecond).padStart(9)} events/s   ${row.cpuMsPer1000.toFixed(2).padStart(7)} ms CPU per 1,000 events`,
  );
  return row;
}

// The floor: the same function, called directly in this process on fresh copies of the events.
const direct = new Function('metadata', 'events', `return events.map((event) => {${body}\n}).filter(Boolean);`);
const meta = (e) => ({ messageId: e.messageId });
const copies = () => JSON.parse(JSON.stringify(events));
const floorCopy = await measure(
  'floor: direct call (+ a JSON copy of the input)',
  () => direct(meta, copies()),
  () => undefined,
);
const pre = Array.from({ length: ROUNDS + 3 }, copies);
let k = 0;
const floorBare = await measure(
  'floor: direct call only',
  () => direct(meta, pre[k++]),
  () => undefined,
);

const runner = new TransformationRunner();
const ev = await measure(
  'sandbox: transformEvent, 1,000 events per call',
  () => runner.run({ code: EVENT_CODE, events }),
  () => runner.sandboxPid,
);
const batch = await measure(
  'sandbox: transformBatch, 1,000 events per call',
  () => runner.run({ code: BATCH_CODE, events }),
  () => runner.sandboxPid,
);
const one = events.slice(0, 1);
const single = await measure(
  'sandbox: transformEvent, 1 event per call',
  async () => {
    for (let i = 0; i < 20; i++) await runner.run({ code: EVENT_CODE, events: one });
  },
  () => runner.sandboxPid,
  20,
);
await runner.close();
console.log(
  `\nratio to the floor with a JSON copy: transformEvent ${(ev.cpuMsPer1000 / floorCopy.cpuMsPer1000).toFixed(1)}x, transformBatch ${(batch.cpuMsPer1000 / floorCopy.cpuMsPer1000).toFixed(1)}x; ` +
    `to the bare call: ${(ev.cpuMsPer1000 / floorBare.cpuMsPer1000).toFixed(0)}x, ${(batch.cpuMsPer1000 / floorBare.cpuMsPer1000).toFixed(0)}x; ` +
    `one event per call: ${(single.cpuMsPer1000 / 1000).toFixed(2)} ms CPU per call`,
);
