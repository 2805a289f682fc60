#!/usr/bin/env node
// A bounded-time soak of the SDK against the chaos data plane (outside CI):
//   npm run soak -- [--seconds 60] [--rate 5000] [--seed 1] [--outages]
// Produces events at a steady rate for --seconds while the data plane fails about a third of its
// requests (5xx, 429, resets, stalls, lost acks, garbage responses, 413 above 256 KB), prints a line every 5 s, then
// closes the client and prints a summary. Exits 1 if the books do not balance, 2 if it overran.
// Needs the SDK built (npm run build -w rudderanalytics); `npm run soak` starts it with the repository's
// TypeScript loader (scripts/ts-loader), since the chaos server it drives is TypeScript.
import { parseArgs } from 'node:util';
import { RudderAnalytics } from 'rudderanalytics';
import { MIXED, startChaosServer } from '../packages/rudderanalytics/test/support/chaos-server.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    outages: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const seed = Number(values.seed);
if (!(seconds > 0) || !(rate > 0) || !Number.isInteger(seed)) {
  console.error('usage: soak.mjs [--seconds N > 0] [--rate events/s > 0] [--seed integer] [--outages]');
  process.exit(64);
}
const CLOSE_MS = 20_000;
const REPORT_MS = 5_000;
const TICK_MS = 10;
/** With --outages: every 20 s, 3 s of nothing but 503s: the backlog grows, then drains (or drops, at rates that fill maxQueueSize). */
const OUTAGE = { every: 20_000, length: 3_000 };

// Whatever happens, the soak stops: the SDK's own close deadline, plus this.
const overrun = setTimeout(
  () => {
    console.error(`soak: still running ${seconds}s + ${(CLOSE_MS + 10_000) / 1000}s after start; giving up`);
    process.exit(2);
  },
  seconds * 1000 + CLOSE_MS + 10_000,
);
overrun.unref();

const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

const server = await startChaosServer({ seed, mix: MIXED, maxBodyBytes: 256_000, countOnly: true });
const client = RudderAnalytics.load('wk_soak', server.url, {
  timeoutMs: 1_000,
  retry: { minDelayMs: 10, maxDelayMs: 500, maxAttempts: 30 },
  maxInFlight: 4,
  flushOnExit: false,
  logger: { warn: (m) => console.warn(`sdk warn: ${m}`), error: () => {} },
});
const failures = new Map();
client.on('error', (e) => failures.set(e.reason, (failures.get(e.reason) ?? 0) + e.messageIds.length));
client.on('dropped', () => {});

const MiB = 1048576;
const mem = () => process.memoryUsage();
let peakRss = mem().rss;
let peakHeap = mem().heapUsed;
const started = Date.now();
let produced = 0;
let outage = false;

const pad = (v, n) => String(v).padStart(n);
const header = `${pad('t', 5)} ${pad('accepted', 9)} ${pad('delivered', 9)} ${pad('retried', 7)} ${pad('failed', 6)} ${pad('dropped', 7)} ${pad('queued', 7)} ${pad('inFlight', 8)} ${pad('rss MB', 7)} ${pad('peak', 6)} ${pad('heap MB', 7)} ${pad('req', 6)} ${pad('faults', 6)}`;
function line(label) {
  const s = client.stats();
  const m = mem();
  const c = server.stats();
  const faults = c.requests - c.tally.ok - c.tally.slow;
  return `${pad(label, 5)} ${pad(s.accepted, 9)} ${pad(s.delivered, 9)} ${pad(s.retried, 7)} ${pad(s.failed, 6)} ${pad(s.dropped, 7)} ${pad(s.queued, 7)} ${pad(s.inFlight, 8)} ${pad((m.rss / MiB).toFixed(0), 7)} ${pad((peakRss / MiB).toFixed(0), 6)} ${pad((m.heapUsed / MiB).toFixed(0), 7)} ${pad(c.requests, 6)} ${pad(faults, 6)}${outage ? '  (outage)' : ''}`;
}

console.log(`soak: ${seconds}s at ${rate} events/s against the chaos data plane (seed ${seed}${values.outages ? ', with outages' : ''})`);
console.log(header);

const types = ['track', 'identify', 'page', 'screen', 'group', 'alias'];
function produce(i) {
  const userId = `user-${i % 5000}`;
  const size = (i * 7919) % 800;
  const properties = { i, text: i % 5 === 0 ? 'é€😀'.repeat(size >> 2) : 'x'.repeat(size) };
  switch (types[i % types.length]) {
    case 'track':
      return client.track({ userId, event: 'Order Completed', properties });
    case 'identify':
      return client.identify({ userId, traits: properties });
    case 'page':
      return client.page({ userId, name: 'Home', properties });
    case 'screen':
      return client.screen({ anonymousId: `anon-${i}`, name: 'Main', properties });
    case 'group':
      return client.group({ userId, groupId: `g${i % 17}`, traits: properties });
    default:
      return client.alias({ userId, previousId: `old-${i}` });
  }
}

let nextReport = REPORT_MS;
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const elapsed = Date.now() - started;
    if (values.outages) {
      const inOutage = elapsed % OUTAGE.every >= OUTAGE.every - OUTAGE.length;
      if (inOutage !== outage) server.setMix(inOutage ? { 503: 1 } : MIXED);
      outage = inOutage;
    }
    const due = Math.min(Math.floor((Math.min(elapsed, seconds * 1000) / 1000) * rate), produced + rate); // never more than 1 s of catch-up
    while (produced < due) produce(produced++);
    const m = mem();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (elapsed >= nextReport) {
      console.log(line(`${Math.round(nextReport / 1000)}s`));
      nextReport += REPORT_MS;
    }
    if (elapsed >= seconds * 1000) {
      clearInterval(tick);
      resolve();
    }
  }, TICK_MS);
});

if (outage) server.setMix(MIXED);
const closing = Date.now();
await client.close({ timeoutMs: CLOSE_MS });
const closeMs = Date.now() - closing;
console.log(line('end'));
await server.close();

const s = client.stats();
const c = server.stats();
const balanced = s.delivered + s.failed + s.dropped === s.accepted && s.queued === 0 && s.inFlight === 0;
const faultsByKind = Object.entries(c.tally)
  .filter(([k, n]) => n > 0 && k !== 'ok')
  .map(([k, n]) => `${k} ${n}`)
  .join(', ');
console.log(`
summary
  duration            ${seconds}s producing + ${(closeMs / 1000).toFixed(1)}s closing
  accepted            ${s.accepted} (${Math.round(s.accepted / seconds)}/s)
  delivered           ${s.delivered}
  retried (requests)  ${s.retried}
  failed              ${s.failed}${failures.size ? ` (${[...failures].map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}
  dropped             ${s.dropped}
  stored by server    ${c.storedEvents} (${c.storedEvents - s.delivered} extra copies from lost acks)
  requests            ${c.requests}: ok ${c.tally.ok}, ${faultsByKind}
  peak rss            ${(peakRss / MiB).toFixed(0)} MB
  peak heap           ${(peakHeap / MiB).toFixed(0)} MB
  unhandled           ${unhandled.length}
  books balance       ${balanced ? 'yes' : 'NO'} (delivered + failed + dropped = accepted, queued = inFlight = 0)`);
process.exit(balanced && unhandled.length === 0 ? 0 : 1);
