// One measured run: one SDK, one N, in its own process (forked by bench/run.mjs).
//   node bench/child.mjs '<json: {sdk, n, url, yieldEvery}>'
// Drives N track() calls through bench/adapters/<sdk>.mjs, timing each call individually,
// yielding to the event loop every `yieldEvery` calls (as a real server does between requests),
// then waits until the SDK says everything is delivered (flush/close), and reports its figures
// to the parent over IPC.
import { makeEvent } from './events.mjs';

const cfg = JSON.parse(process.argv[2]);
const { sdk, n, url } = cfg;
const yieldEvery = cfg.yieldEvery ?? 1000;
const WRITE_KEY = 'bench-write-key';

const adapter = await import(`./adapters/${sdk}.mjs`);
const inst = await adapter.create({ url, n, writeKey: WRITE_KEY });

// track() latency per call, ns, preallocated so the loop allocates nothing of ours
const lat = new Float64Array(n);
let peakSampled = process.memoryUsage.rss();
const sampler = setInterval(() => {
  const r = process.memoryUsage.rss();
  if (r > peakSampled) peakSampled = r;
}, 10);
let maxDepth = 0;

const hr = process.hrtime.bigint;
const yieldNow = () => new Promise(setImmediate);
const cpu0 = process.cpuUsage();
const t0 = hr();
for (let i = 0; i < n; i++) {
  const ev = makeEvent(i);
  const a = hr();
  inst.track(ev);
  lat[i] = Number(hr() - a);
  if ((i + 1) % yieldEvery === 0) {
    if (inst.depth) {
      const d = inst.depth();
      if (d > maxDepth) maxDepth = d;
    }
    await yieldNow();
  }
}
const tTracked = hr();
const extra = (await inst.finish()) || {};
const t1 = hr();
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
const ru = process.resourceUsage();
const rssNow = process.memoryUsage.rss();

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
  p50us: q(0.5),
  p99us: q(0.99),
  p999us: q(0.999),
  maxUs: lat[n - 1] / 1000,
  maxDepth,
  extra,
};
process.send({ type: 'result', result }, () => process.exit(0));
