#!/usr/bin/env node --expose-gc
// Retained heap per queued event: how much memory rudderanalytics holds for an event waiting in its
// queue (nothing is sent: flushAt and maxBatchBytes are out of reach, no interval), against the floor's
// representation (the event's JSON string in an array).
//   node --expose-gc bench/memory.mjs [N=20000]
import { RudderAnalytics } from 'rudderanalytics';
import { randomUUID } from 'node:crypto';
import { makeEvent } from './events.mjs';

const { gc } = globalThis;
if (typeof gc !== 'function') {
  console.error('run with: node --expose-gc bench/memory.mjs');
  process.exit(1);
}
const N = Number(process.argv[2] || 20_000);
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const client = RudderAnalytics.load('k', 'http://127.0.0.1:9', {
  flushAt: 1e9,
  flushInterval: 0,
  maxBatchBytes: 4_096_000,
  maxQueueSize: 10 * N,
  flushOnExit: false,
  logger: {},
});
let h0 = heap();
for (let i = 0; i < N; i++) client.track(makeEvent(i));
const ours = (heap() - h0) / N;
const st = client.stats();

const keep = [];
h0 = heap();
for (let i = 0; i < N; i++) {
  const ev = makeEvent(i);
  const now = new Date().toISOString();
  keep.push(
    JSON.stringify({
      type: 'track',
      event: ev.event,
      userId: ev.userId,
      properties: ev.properties,
      context: { library: { name: 'rudderanalytics', version: '0.1.0' } },
      integrations: { All: true },
      messageId: randomUUID(),
      originalTimestamp: now,
      channel: 'server',
    }),
  );
}
const floor = (heap() - h0) / N;
const avgLen = keep.reduce((a, s) => a + s.length, 0) / N;
console.log(
  `queued ${st.queued} events; retained heap per queued event: rudderanalytics ${ours.toFixed(0)} B, floor (JSON string in an array) ${floor.toFixed(0)} B; JSON ${avgLen.toFixed(0)} B/event`,
);
console.log(
  `→ a full default queue (20,000 events) holds ≈ ${((ours * 20_000) / 1048576).toFixed(1)} MB (floor ${((floor * 20_000) / 1048576).toFixed(1)} MB)`,
);
process.exit(0);
