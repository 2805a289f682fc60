#!/usr/bin/env node
// Throughput of the offline runner against the floor (the same function called directly in Node), for a
// small transformEvent and a transformBatch over 1,000 events per call. CPU counts this process and the
// sandbox process (Linux /proc). Run after `npm run build`: node packages/transformations/bench/throughput.mjs
//
// Steady state, measured fairly: every series is first warmed up (WARMUP calls: both processes' JIT and
// the sandbox's start settle), then the series are measured in turn, PASSES times ROUNDS calls each, so a
// change of load or of the machine's clock touches every series alike; each figure is the median pass.
// A full collection runs before each pass, outside it: no series pays for the garbage another one left
// (the floors leave thousands of copied events in this process's heap).
// The first calls of a new runner are reported on their own line (cold).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TransformationRunner } from '../dist/index.js';

const EVENTS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const PASSES = Number(process.env.PASSES ?? 5);
const WARMUP = Number(process.env.WARMUP ?? 30);
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
const statFields = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
/**
 * CPU of the sandbox processes: the live one's own, plus every ended one's (the runner starts a fresh
 * sandbox every so many calls; an ended child's CPU moves into this process's cutime/cstime once reaped).
 */
function childCpuMs(pid) {
  if (pid === null) return 0; // a floor: no sandbox of its own (and one reaped meanwhile is not its CPU)
  const self = statFields('self');
  let ms = ((Number(self[13]) + Number(self[14])) * 1000) / ticks;
  if (!pid) return ms;
  try {
    const fields = statFields(pid);
    ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    // Ended between the two reads: counted once reaped.
  }
  return ms;
}
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');

const hostCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One pass: `rounds` calls of `fn`, with events/s (wall) and CPU (both processes) per 1,000 events. */
async function pass(series, rounds) {
  collect();
  const cpu0 = hostCpuMs();
  const child0 = childCpuMs(series.pid());
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) await series.fn();
  const wall = performance.now() - t0;
  const cpu = hostCpuMs() - cpu0 + (childCpuMs(series.pid()) - child0);
  const n = rounds * series.eventsPerRound;
  return { eventsPerSecond: Math.round(n / (wall / 1000)), cpuMsPer1000: cpu / (n / 1000) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function print(label, row, range = '') {
  console.log(
    `${label.padEnd(48)} ${String(row.eventsPerSecond).padStart(9)} events/s   ${row.cpuMsPer1000.toFixed(2).padStart(7)} ms CPU per 1,000 events${range}`,
  );
}

// The floor: the same function, called directly in this process on fresh copies of the events.
const direct = new Function('metadata', 'events', `return events.map((event) => {${body}\n}).filter(Boolean);`);
const meta = (e) => ({ messageId: e.messageId });
const copies = () => JSON.parse(JSON.stringify(events));
const none = () => null;
// The isolated sandbox (hosted: isolated-vm) copies both ways: the floor with the outputs copied out too.
const copiedOut = (outputs) => JSON.parse(JSON.stringify(outputs));
const runner = new TransformationRunner();
const one = events.slice(0, 1);
const series = [
  { label: 'floor: direct call (+ a JSON copy of the input)', fn: () => direct(meta, copies()), pid: none, eventsPerRound: EVENTS },
  {
    label: 'floor: direct call (+ JSON copies in and out)',
    fn: () => copiedOut(direct(meta, copies())),
    pid: none,
    eventsPerRound: EVENTS,
  },
  {
    label: 'floor: direct call only',
    // Copies made outside the measured call, one per call.
    fn: () => direct(meta, series[2].copies.pop() ?? copies()),
    copies: [],
    refill() {
      this.copies = Array.from({ length: ROUNDS }, copies);
    },
    pid: none,
    eventsPerRound: EVENTS,
  },
  {
    label: 'sandbox: transformEvent, 1,000 events per call',
    fn: () => runner.run({ code: EVENT_CODE, events }),
    pid: () => runner.sandboxPid,
    eventsPerRound: EVENTS,
  },
  {
    label: 'sandbox: transformBatch, 1,000 events per call',
    fn: () => runner.run({ code: BATCH_CODE, events }),
    pid: () => runner.sandboxPid,
    eventsPerRound: EVENTS,
  },
  {
    label: 'sandbox: transformEvent, 1 event per call',
    fn: async () => {
      for (let i = 0; i < 20; i++) await runner.run({ code: EVENT_CODE, events: one });
    },
    pid: () => runner.sandboxPid,
    eventsPerRound: 20,
  },
];

// Cold: a new runner's first calls (the sandbox process starts on the first one).
print('cold: transformEvent, the first 3 calls', await pass(series[3], 3));
// The one-event calls go last, on their own: interleaved, they leave the sandbox's code tuned for one-event
// calls and the next 1,000-event pass pays for it.
const rotations = [series.slice(0, -1), series.slice(-1)];
const passes = new Map(series.map((s) => [s, []]));
for (const group of rotations) {
  for (const s of group) {
    s.refill?.();
    for (let i = 0; i < WARMUP; i++) await s.fn();
  }
  for (let p = 0; p < PASSES; p++) {
    for (const s of group) {
      s.refill?.();
      passes.get(s).push(await pass(s, ROUNDS));
    }
  }
}
await runner.close();
console.log(`steady state: median of ${PASSES} passes of ${ROUNDS} calls each, after ${WARMUP} warm-up calls (range of the CPU figure)`);
const rows = series.map((s) => {
  const cpu = passes.get(s).map((r) => r.cpuMsPer1000);
  const row = { eventsPerSecond: median(passes.get(s).map((r) => r.eventsPerSecond)), cpuMsPer1000: median(cpu) };
  print(s.label, row, `   (${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)})`);
  return row;
});
const [floorCopy, floorBoth, floorBare, ev, batch, single] = rows;
const ratios = (floor) =>
  `transformEvent ${(ev.cpuMsPer1000 / floor.cpuMsPer1000).toFixed(2)}x, transformBatch ${(batch.cpuMsPer1000 / floor.cpuMsPer1000).toFixed(2)}x`;
console.log(
  `\nratio to the floor with a JSON copy of the input: ${ratios(floorCopy)}; with copies in and out: ${ratios(floorBoth)}; ` +
    `to the bare call: ${(ev.cpuMsPer1000 / floorBare.cpuMsPer1000).toFixed(1)}x, ${(batch.cpuMsPer1000 / floorBare.cpuMsPer1000).toFixed(1)}x; ` +
    `one event per call: ${(single.cpuMsPer1000 / 1000).toFixed(2)} ms CPU per call; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
