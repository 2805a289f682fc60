#!/usr/bin/env node --expose-gc
// Retained heap per queued event: how much memory rudderanalytics holds for an event waiting in its
// queue (measured synchronously after the calls, before anything can be sent), against the floor's
// representation (the event's JSON string in an array). Then close() delivers them to a bench sink, and
// what the closed client still holds is what a full GC frees once it is let go of.
//   node --expose-gc bench/memory.mjs [N=20000]
import { RudderAnalytics } from 'rudderanalytics';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { makeEvent } from './events.mjs';
import { liveHeap } from './live-heap.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('run with: node --expose-gc bench/memory.mjs');
  process.exit(1);
}
const N = Number(process.argv[2] || 20_000);
const heap = liveHeap;

const sink = fork(new URL('./sink.mjs', import.meta.url), ['ok'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)));
let client = RudderAnalytics.load('k', `http://127.0.0.1:${port}`, {
  flushAt: 1e9,
  flushInterval: 3_600_000,
  maxBatchBytes: 4_096_000,
  maxQueueSize: 10 * N,
  flushOnExit: false,
  logger: {},
});
let h0 = heap();
for (let i = 0; i < N; i++) client.track(makeEvent(i));
const ours = (heap() - h0) / N;
const st = client.stats();
await client.close();
sink.kill();
const closedStats = client.stats();
const closedHeap = heap();
// eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point: the GC below frees it
client = null;
const heldAfterClose = closedHeap - heap();

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
console.log(
  `after close(): ${closedStats.delivered} delivered, ${closedStats.queued + closedStats.inFlight} waiting; the closed client holds ${(heldAfterClose / 1024).toFixed(0)} KB (freed when it is let go of)`,
);
process.exit(0);
