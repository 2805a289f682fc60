#!/usr/bin/env node
// Cost of each stage of rudderanalytics' track() path, in isolation, on the benchmark's events.
// A CPU profile of the real run cannot split these reliably (V8 inlines them into `call`/`encodeEvent`),
// so each stage is timed here on its own: ns per call, median of 7 rounds of 100k calls, after warm-up.
//   node bench/stages.mjs
// Imports the SDK's built modules directly (packages/rudderanalytics/dist/esm/*.js; build it first).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeEvent } from './events.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'packages', 'rudderanalytics', 'dist', 'esm');
const load = (f) => import(pathToFileURL(path.join(dist, f)).href);
const [{ validateCall }, { enrich }, { encodeEvent }, { utf8Length }, { nowIso }, { randomUuid }, { prepareCall }, { RudderAnalytics }] =
  await Promise.all(['validate.js', 'enrich.js', 'encode.js', 'bytes.js', 'clock.js', 'uuid.js', 'prepare.js', 'index.js'].map(load));

const M = 1000;
const events = Array.from({ length: M }, (_, i) => makeEvent(i));
const env = { now: nowIso, uuid: randomUuid, maxMessageBytes: 32_768 };
const enriched = events.map((e) => enrich(e, 'track', env));
const jsons = enriched.map((e) => JSON.stringify(e));
const te = new TextEncoder();
const scratch = new Uint8Array(64 * 1024);
// enable: false → validated, enriched, serialized, not queued (a growing queue would time the GC instead)
const client = RudderAnalytics.load('k', 'http://127.0.0.1:9', { enable: false, flushOnExit: false, logger: {} });
const LIB = { name: 'rudderanalytics', version: '0.1.0' };

let sink = 0;
const stages = {
  'makeEvent (driver, reference)': (i) => (sink += makeEvent(i).event.length),
  validateCall: (i) => validateCall(events[i % M], 'track'),
  'enrich (incl. uuid + nowIso)': (i) => (sink += enrich(events[i % M], 'track', env).type.length),
  'randomUuid (crypto.randomUUID)': () => (sink += randomUuid().length),
  nowIso: () => (sink += nowIso().length),
  'new Date().toISOString() (reference)': () => (sink += new Date().toISOString().length),
  'JSON.stringify(enriched event)': (i) => (sink += JSON.stringify(enriched[i % M]).length),
  'utf8Length(json)  [SDK]': (i) => (sink += utf8Length(jsons[i % M])),
  'Buffer.byteLength(json)  [alternative]': (i) => (sink += Buffer.byteLength(jsons[i % M])),
  'TextEncoder.encodeInto(json, scratch)  [alternative]': (i) => (sink += te.encodeInto(jsons[i % M], scratch).written),
  'encodeEvent (stringify + utf8Length)': (i) => (sink += encodeEvent(enriched[i % M]).bytes),
  'prepareCall (validate + enrich + encode)': (i) => (sink += prepareCall(events[i % M], 'track', env).bytes),
  'client.track, enable:false (prepareCall + call overhead)': (i) => (sink += client.track(events[i % M]).length),
  'floor track (envelope + randomUUID + ISO date + stringify)': (i) => {
    const e = events[i % M];
    const now = new Date().toISOString();
    sink += JSON.stringify({
      type: 'track',
      event: e.event,
      userId: e.userId,
      properties: e.properties,
      context: { library: LIB },
      integrations: { All: true },
      messageId: randomUUID(),
      originalTimestamp: now,
      channel: 'server',
      sentAt: now,
    }).length;
  },
};

const R = 7;
const K = 100_000;
console.log(`ns per call, median of ${R} rounds × ${K.toLocaleString('en-US')} (load average ${(await import('node:os')).loadavg()[0].toFixed(2)})`);
for (const [name, fn] of Object.entries(stages)) {
  for (let i = 0; i < 20_000; i++) fn(i); // warm-up
  const xs = [];
  for (let r = 0; r < R; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < K; i++) fn(i);
    xs.push(Number(process.hrtime.bigint() - t) / K);
  }
  xs.sort((a, b) => a - b);
  console.log(`${xs[R >> 1].toFixed(0).padStart(7)}  ${name}`);
}
if (sink === 42) console.log('');
process.exit(0);
