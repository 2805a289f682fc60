#!/usr/bin/env node
// Benchmark of `rudder send` on a big JSON Lines file, run as a subprocess like a user would:
// wall time, events/s and the subprocess's peak RSS, against a local data plane (SQLite) and against
// a light sink (gunzip + count) that shows the CLI's own ceiling.
//
//   node packages/cli/bench/send-1m.mjs [--lines 1000000] [--sink dataplane|light|both] [--keep]
//
// Targets: peak RSS ≤ 200 MB; throughput within 2× of the SDK's own benchmark (bench/, run separately).
// Needs `npm run build` first. Only ever talks to 127.0.0.1.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { startDataPlane } from '@rudderanalytics/dataplane';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const WRITE_KEY = 'wk_bench_3c9e51d2a7';
const TARGET_RSS_MB = 200;

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    sink: { type: 'string', default: 'both' },
    keep: { type: 'boolean', default: false },
  },
});
const LINES = Number(values.lines);
if (!Number.isSafeInteger(LINES) || LINES < 1) throw new Error('--lines must be a positive integer');
if (!['dataplane', 'light', 'both'].includes(values.sink)) throw new Error('--sink must be dataplane, light or both');
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'npm run build' first`);

const EVENTS = ['Order Completed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Cart Viewed'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD'];

/** One ~430-byte track call: the SDK benchmark's event shape (bench/events.mjs), plus context, padded. */
function eventLine(i) {
  const call = {
    type: 'track',
    userId: 'user-' + ((i * 7919) % 50021),
    event: EVENTS[i % EVENTS.length],
    properties: {
      orderId: 'ord-' + (1_000_000 + i),
      revenue: Math.round(89.99 * (1 + (i % 3)) * 100) / 100,
      currency: CURRENCIES[i % CURRENCIES.length],
      coupon: i % 2 ? null : 'SUMMER10',
      sku: 'SKU-' + (10000 + ((i * 31) % 9000)),
      quantity: 1 + (i % 3),
    },
    context: {
      ip: '203.0.113.9',
      locale: 'en-US',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      campaign: { source: 'newsletter', medium: 'email' },
    },
  };
  const base = JSON.stringify(call);
  // Pad to 430 bytes with a property whose size absorbs the varying digits of the ids.
  call.properties.note = 'x'.repeat(Math.max(0, 430 - base.length - ',"note":""'.length));
  return JSON.stringify(call);
}

async function writeInput(path) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    chunk += eventLine(i) + '\n';
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((r) => out.once('finish', r));
}

/** The light sink: what a gateway must do at least (read, gunzip, parse, count), and nothing else. */
async function startLightSink() {
  let delivered = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      delivered += JSON.parse(body).batch.length;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    delivered: () => delivered,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

async function startSink(kind, dir) {
  if (kind === 'light') return startLightSink();
  const dp = await startDataPlane({ port: 0, dbPath: join(dir, 'bench.db'), writeKeys: [WRITE_KEY], devWriteKey: false, quiet: true });
  return { url: dp.url, delivered: () => dp.count(), close: () => dp.close() };
}

const hasGnuTime = existsSync('/usr/bin/time');

/** Runs `rudder send` on the file; peak RSS from GNU time -v, else from polling /proc/<pid>/status VmHWM. */
function runSend(url, input) {
  const args = [BIN, 'send', input, '--data-plane-url', url, '--write-key', WRITE_KEY, '--quiet'];
  const cmd = hasGnuTime ? '/usr/bin/time' : process.execPath;
  const argv = hasGnuTime ? ['-v', process.execPath, ...args] : args;
  const started = process.hrtime.bigint();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  child.stdout.resume();
  let polledKb = 0;
  const poll = hasGnuTime
    ? undefined
    : setInterval(() => {
        try {
          const m = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
          if (m) polledKb = Math.max(polledKb, Number(m[1]));
        } catch {
          // the child just exited: its last reading stands
        }
      }, 50);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll) clearInterval(poll);
      const timeKb = stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
      const peakKb = timeKb ? Number(timeKb[1]) : polledKb;
      const summary = stderr.split('\n').find((l) => l.startsWith('read ')) ?? '(no summary)';
      const user = stderr.match(/User time \(seconds\): ([\d.]+)/);
      const sys = stderr.match(/System time \(seconds\): ([\d.]+)/);
      const cpuS = user && sys ? Number(user[1]) + Number(sys[1]) : undefined;
      resolve({ code, wallS, cpuS, peakMb: peakKb / 1024, summary, stderr });
    });
  });
}

const loadBefore = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'rudder-send-bench-'));
const input = join(dir, 'events.jsonl');
try {
  process.stdout.write(`generating ${LINES.toLocaleString('en-US')} lines… `);
  await writeInput(input);
  const bytes = statSync(input).size;
  console.log(`${(bytes / 1e6).toFixed(0)} MB (${(bytes / LINES).toFixed(0)} B/line) in ${dir}`);

  const rows = [];
  for (const kind of values.sink === 'both' ? ['dataplane', 'light'] : [values.sink]) {
    const sink = await startSink(kind, dir);
    try {
      const r = await runSend(sink.url, input);
      const delivered = sink.delivered();
      rows.push({ kind, ...r, delivered });
      if (r.code !== 0) console.error(`rudder send exited ${r.code} against ${kind}:\n${r.stderr.slice(-2000)}`);
    } finally {
      await sink.close();
    }
  }

  console.log(
    `\nrudder send, ${LINES.toLocaleString('en-US')} × ~${(bytes / LINES).toFixed(0)} B track events (${(bytes / 1e6).toFixed(0)} MB JSONL)`,
  );
  console.log(
    `load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (a shared box: other work slows every figure but CPU µs/evt least)`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; RSS via ${hasGnuTime ? '/usr/bin/time -v' : '/proc VmHWM polling'}\n`,
  );
  const table = [
    ['sink', 'wall s', 'events/s', 'MB/s', 'CPU s', 'CPU µs/evt', 'peak RSS MB', `RSS ≤ ${TARGET_RSS_MB} MB`, 'delivered', 'exit'],
    ...rows.map((r) => [
      r.kind === 'dataplane' ? 'local data plane (SQLite)' : 'light sink (gunzip+count)',
      r.wallS.toFixed(2),
      Math.round(LINES / r.wallS).toLocaleString('en-US'),
      (bytes / 1e6 / r.wallS).toFixed(1),
      r.cpuS === undefined ? '–' : r.cpuS.toFixed(2),
      r.cpuS === undefined ? '–' : ((r.cpuS * 1e6) / LINES).toFixed(1),
      r.peakMb.toFixed(0),
      r.peakMb <= TARGET_RSS_MB ? 'met' : 'MISSED',
      r.delivered.toLocaleString('en-US'),
      String(r.code),
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(table[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of table.slice(1)) console.log(line(row));
  for (const r of rows) console.log(`\n${r.kind}: ${r.summary}`);
  console.log('\nCompare with the SDK benchmark (npm run bench, "ours"): the target is within 2× of its events/s (and CPU µs/evt).');
  if (rows.some((r) => r.code !== 0 || r.delivered !== LINES)) process.exitCode = 1;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
