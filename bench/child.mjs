// One measured run: one SDK, one N, in its own process (forked by bench/run.mjs).
//   node bench/child.mjs '<json: {sdk, n, url, yieldEvery}>'
// Drives N track() calls through bench/adapters/<sdk>.mjs, timing each call individually,
// yielding to the event loop every `yieldEvery` calls (as a real server does between requests),
// then waits until the SDK says everything is delivered (flush/close), and reports its figures
// to the parent over IPC.
import { makeEvent } from './events.mjs';
import { liveHeap } from './live-heap.mjs';

const cfg = JSON.parse(process.argv[2]);
const { sdk, n, url } = cfg;
const yieldEvery = cfg.yieldEvery ?? 1000;
// Backpressure: after each yield, while the SDK reports `pace` or more undelivered events, the driver
// waits (idle, 1 ms timers) — a server that stops taking work when its outbound queue is full.
// With pace 19,000 and a yield every 1000 calls, no SDK's 20,000-event queue can overflow.
// cfg.pace = null → open loop (no waiting; queue limits raised to N instead).
const pace = cfg.pace ?? Infinity;
const queueLimit = Number.isFinite(pace) ? 20_000 : Math.max(20_000, n);
const WRITE_KEY = 'bench-write-key';

const adapter = await import(`./adapters/${sdk}.mjs`);
// Warm-up (cfg.warmup events; default none, as in bench/run.mjs): a first instance of the same adapter sends
// them and is closed and dropped before the baseline heap is taken, so the modules it loads (node:http, zlib,
// …) and the bytecode it compiles are in the baseline (bench/heap-diff.mjs --warmup). The parent resets the
// sink's counters when told ('warm') and answers 'go'.
const warmup = cfg.warmup ?? 0;
if (warmup > 0) {
  const first = await adapter.create({ url, n: warmup, writeKey: WRITE_KEY, queueLimit });
  for (let i = 0; i < warmup; i++) first.track(makeEvent(n + i));
  await first.finish();
  const go = new Promise((resolve) => process.on('message', (m) => m.type === 'go' && resolve()));
  process.send({ type: 'warm' });
  await go;
}
let inst = await adapter.create({ url, n, writeKey: WRITE_KEY, queueLimit });

// track() latency per call, ns, preallocated so the loop allocates nothing of ours
const lat = new Float64Array(n);
let peakSampled = process.memoryUsage.rss();
let peakHeapUsed = 0;
let peakHeapTotal = 0;
let peakExternal = 0;
let peakArrayBuffers = 0;
let tick = 0;
const sampler = setInterval(() => {
  const r = process.memoryUsage.rss();
  if (r > peakSampled) peakSampled = r;
  if (++tick % 5 === 0) {
    // the full breakdown is dearer (heap statistics): every 50 ms
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
    if (m.heapTotal > peakHeapTotal) peakHeapTotal = m.heapTotal;
    if (m.external > peakExternal) peakExternal = m.external;
    if (m.arrayBuffers > peakArrayBuffers) peakArrayBuffers = m.arrayBuffers;
  }
}, 10);
let maxDepth = 0;

// heap in use before the first call (after a full GC, with --expose-gc): what "back to baseline" means
const fullGc = () => liveHeap() / 1048576;
const heapBeforeMB = typeof globalThis.gc === 'function' ? fullGc() : null;
// cfg.heapSnapshots = a directory: heap snapshots at both leak-check points, for bench/heap-diff.mjs
const snapshot = async (when) => {
  if (!cfg.heapSnapshots) return;
  const { writeHeapSnapshot } = await import('node:v8');
  writeHeapSnapshot(`${cfg.heapSnapshots}/${sdk}-${n}-${when}.heapsnapshot`);
};
await snapshot('before');
const hr = process.hrtime.bigint;
const yieldNow = () => new Promise(setImmediate);
const sleep1 = () => new Promise((r) => setTimeout(r, 1));
let pausedNs = 0n;
let pauses = 0;
const ru0 = process.resourceUsage();
const cpu0 = process.cpuUsage();
const t0 = hr();
for (let i = 0; i < n; i++) {
  const ev = makeEvent(i);
  const a = hr();
  inst.track(ev);
  lat[i] = Number(hr() - a);
  if ((i + 1) % yieldEvery === 0) {
    await yieldNow();
    if (inst.depth) {
      let d = inst.depth();
      if (d > maxDepth) maxDepth = d;
      if (d >= pace) {
        const w0 = hr();
        while (d >= pace) {
          await sleep1();
          d = inst.depth();
        }
        pausedNs += hr() - w0;
        pauses++;
      }
    }
  }
}
const tTracked = hr();
const extra = (await inst.finish()) || {};
const t1 = hr();
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
const ru = process.resourceUsage();
const rssNow = process.memoryUsage.rss();
// leak check (only with --expose-gc): heap still in use after everything was delivered and a full GC
const heapAfterGcMB = typeof globalThis.gc === 'function' ? fullGc() : null;
await snapshot('after');
// what the closed instance itself still holds: the heap it frees once the driver lets go of it
// eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point: the GC below frees it
inst = null;
const heapReleasedMB = heapAfterGcMB === null ? null : heapAfterGcMB - fullGc();

// (after the memory figures were taken: these copies must not count)
const WARM = Math.min(2000, n >> 2);
const warm = lat.slice(WARM).sort(); // steady state: without the first calls (interpreter, JIT warm-up)
const qw = (p) => warm[Math.min(warm.length - 1, Math.floor(p * warm.length))] / 1000;
lat.sort();
const q = (p) => lat[Math.min(n - 1, Math.floor(p * n))] / 1000; // µs
const result = {
  sdk,
  n,
  wallMs: Number(t1 - t0) / 1e6,
  trackLoopMs: Number(tTracked - t0) / 1e6,
  drainMs: Number(t1 - tTracked) / 1e6,
  cpuUserMs: cpu.user / 1000,
  cpuSysMs: cpu.system / 1000,
  cpuMs: (cpu.user + cpu.system) / 1000,
  peakRssBytes: Math.max(peakSampled, ru.maxRSS * 1024, rssNow),
  sampledPeakRssBytes: peakSampled,
  maxRssBytes: ru.maxRSS * 1024,
  peakHeapUsedMB: peakHeapUsed / 1048576,
  heapBeforeMB,
  heapAfterGcMB,
  heapReleasedMB,
  peakHeapTotalMB: peakHeapTotal / 1048576,
  peakExternalMB: peakExternal / 1048576,
  peakArrayBuffersMB: peakArrayBuffers / 1048576,
  involuntaryCtxSwitches: ru.involuntaryContextSwitches - ru0.involuntaryContextSwitches,
  voluntaryCtxSwitches: ru.voluntaryContextSwitches - ru0.voluntaryContextSwitches,
  p50us: q(0.5),
  p99us: q(0.99),
  p999us: q(0.999),
  warmFrom: WARM,
  warmP50us: qw(0.5),
  warmP99us: qw(0.99),
  maxUs: lat[n - 1] / 1000,
  maxDepth,
  pace: Number.isFinite(pace) ? pace : null,
  queueLimit,
  pauses,
  pausedMs: Number(pausedNs) / 1e6,
  extra,
};
process.send({ type: 'result', result }, () => process.exit(0));
