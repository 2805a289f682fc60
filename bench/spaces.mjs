#!/usr/bin/env node
// Where the memory goes: peak bytes per V8 heap space, external and arrayBuffers, for ours and the floor
// in the same driver as bench/child.mjs (paced, or --open-loop), sampled every 20 ms.
//   node bench/spaces.mjs [--n=300000] [--open-loop] [--sdks=ours,floor-gzip]
// Prints one table (MB); "live after close" is the heap after a full GC once everything is delivered.
import v8 from 'node:v8';
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEvent } from './events.mjs';
import { liveHeap } from './live-heap.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, def) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const n = Number(arg('n', 300_000));
const openLoop = process.argv.includes('--open-loop');
const sdks = arg('sdks', 'ours,floor-gzip').split(',');

async function one(sdk) {
  // each SDK in its own process, so one's garbage never counts against the other
  const child = fork(fileURLToPath(import.meta.url), ['--child', sdk, String(n), openLoop ? 'open' : 'paced'], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${sdk} exited ${code}`)));
  });
}

async function child(sdk, count, mode) {
  const sink = fork(path.join(here, 'sink.mjs'), ['ok'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise((r) => sink.once('message', (m) => r(m.port)));
  const adapter = await import(`./adapters/${sdk}.mjs`);
  const inst = await adapter.create({
    url: `http://127.0.0.1:${port}`,
    n: count,
    writeKey: 'bench-write-key',
    queueLimit: mode === 'open' ? count : 20_000,
  });
  const peak = {};
  const keep = (k, v) => (peak[k] = Math.max(peak[k] ?? 0, v / 1048576));
  const sample = () => {
    for (const s of v8.getHeapSpaceStatistics()) keep(s.space_name, s.space_used_size);
    const m = process.memoryUsage();
    keep('heapUsed', m.heapUsed);
    keep('external', m.external);
    keep('arrayBuffers', m.arrayBuffers);
    keep('rss', m.rss);
  };
  const timer = setInterval(sample, 20);
  for (let i = 0; i < count; i++) {
    inst.track(makeEvent(i));
    if ((i + 1) % 1000 === 0) {
      await new Promise(setImmediate);
      if (mode !== 'open') while (inst.depth() >= 19_000) await new Promise((r) => setTimeout(r, 1));
    }
  }
  await inst.finish();
  clearInterval(timer);
  sink.kill();
  peak['live after close'] = liveHeap() / 1048576;
  process.send({ sdk, peak }, () => process.exit(0));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]), process.argv[5]);
} else {
  const rows = [];
  for (const sdk of sdks) rows.push(await one(sdk));
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.peak)))].filter((k) => rows.some((r) => r.peak[k] >= 0.5));
  console.log(`peak MB per space, ${n.toLocaleString('en-US')} events, ${openLoop ? 'open loop' : 'paced'}\n`);
  console.log(`| | ${sdks.join(' | ')} |\n|---|${sdks.map(() => '--:').join('|')}|`);
  for (const k of keys) console.log(`| ${k} | ${rows.map((r) => (r.peak[k] ?? 0).toFixed(1)).join(' | ')} |`);
}
