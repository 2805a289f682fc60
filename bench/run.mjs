#!/usr/bin/env node
// Benchmark harness (issue 6). See BENCHMARKS.md for the method and the latest figures.
//
//   npm run bench                 full run (≈15 min), writes BENCHMARKS.md + bench/results/full.json
//   npm run bench -- --quick      20k events only, 1 repetition (≈2 min), writes bench/results/quick.{md,json}
//
// Options: --only=ours,floor-gzip   run only these SDKs
//          --scenarios=ok-20000,flaky-20000   run only these scenarios (mode-N)
//          --reps=3                  repetitions (median reported)
//          --timeout=200             hard per-child timeout, seconds (child is SIGKILLed); --quick: 20
//          --open-loop               every scenario without driver backpressure (the `open` scenarios always are)
//          --slow=60                 a run slower than this many seconds is not repeated
//          --core                    only the driver baseline, ours and the floor (no peers), every scenario
//          --write / --no-write      force / suppress writing BENCHMARKS.md
//          --out=path.md             write the report there instead
//          --render=results.json     only re-render the report from a results file (with --write: BENCHMARKS.md)
//          --profile                 also profile ours at 100k (always done in full runs)
//
// Every measured run is one child process (bench/child.mjs) for one SDK, talking to its own sink
// process (bench/sink.mjs) on 127.0.0.1; figures are the median over repetitions.
import { fork, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const opt = (name, def) => {
  const a = args.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return def;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
};
const quick = !!opt('quick', false);
const reps = Number(opt('reps', quick ? 1 : 3));
const timeoutS = Number(opt('timeout', quick ? 20 : 200)); // quick: a 20 s cap keeps --quick ≈ 2 min; slow peers show as "timeout"
const only = opt('only', null)?.split(',');
const onlyScen = opt('scenarios', null)?.split(',');
const openLoop = !!opt('open-loop', false);
const core = !!opt('core', false);
const CORE = ['noop', 'ours', 'floor-gzip'];
const PACE = 19_000; // driver backpressure threshold, see bench/child.mjs
// a run slower than this (or a timeout) is not repeated: the median is of fewer reps (--slow=seconds)
const SLOW_MS = Number(opt('slow', 60)) * 1000;

const ALL = ['noop', 'ours', 'floor-gzip', 'floor-raw', 'rudder-node', 'segment', 'posthog'];
const EXPERIMENTS = ['ours-http', 'ours-ab']; // only with --only=…, in the scenarios that run ours
const LABEL = {
  noop: 'driver only (no-op track)',
  ours: 'rudderanalytics (ours)',
  'floor-gzip': 'floor, gzip',
  'floor-raw': 'floor, no gzip',
  'rudder-node': '@rudderstack/rudder-sdk-node',
  segment: '@segment/analytics-node',
  posthog: 'posthog-node',
  'ours-http': 'ours + node:http fetch (experiment)',
  'ours-ab': 'ours from BENCH_SDK_DIST (experiment)',
};
const peerVersion = (name) => {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};
const VERSIONS = {
  ours: peerVersion('rudderanalytics'),
  'rudder-node': peerVersion('@rudderstack/rudder-sdk-node'),
  segment: peerVersion('@segment/analytics-node'),
  posthog: peerVersion('posthog-node'),
};

const scenarios = quick
  ? [
      { mode: 'ok', n: 20_000, sdks: ALL },
      { mode: 'flaky', n: 20_000, sdks: ['ours', 'floor-gzip', 'rudder-node', 'segment', 'posthog'] },
    ]
  : [
      { mode: 'ok', n: 20_000, sdks: ALL },
      { mode: 'ok', n: 100_000, sdks: ALL },
      { mode: 'ok', n: 1_000_000, sdks: CORE },
      // open loop: no waiting on backpressure, every queue large enough for N (how a burst hits a server)
      { mode: 'open', n: 100_000, sdks: CORE },
      { mode: 'open', n: 1_000_000, sdks: CORE },
      { mode: 'flaky', n: 20_000, sdks: ['ours', 'floor-gzip', 'rudder-node', 'segment', 'posthog'] },
    ];
const plan = [];
for (const sc of scenarios) {
  if (onlyScen && !onlyScen.includes(`${sc.mode}-${sc.n}`)) continue;
  const sdks = sc.sdks.includes('ours') ? [...sc.sdks, ...EXPERIMENTS] : sc.sdks;
  const wanted = only ?? (core ? CORE : null);
  for (const sdk of sdks) if (wanted ? wanted.includes(sdk) : !EXPERIMENTS.includes(sdk)) plan.push({ ...sc, sdk, key: `${sc.mode}|${sc.n}|${sdk}` });
}
const writeMain = opt('write', null) === true || (!quick && !only && !onlyScen && !core && opt('no-write', false) !== true);
// full run → BENCHMARKS.md + bench/results/full.json; --quick → bench/results/quick.*; partial runs
// (--only/--scenarios) → .bench-tmp/partial.* (git-ignored)
const tmpDir = path.join(root, '.bench-tmp');
const outMd = opt(
  'out',
  writeMain ? path.join(root, 'BENCHMARKS.md') : quick ? path.join(here, 'results', 'quick.md') : path.join(tmpDir, 'partial.md'),
);
const outJson = writeMain
  ? path.join(here, 'results', 'full.json')
  : quick
    ? path.join(here, 'results', 'quick.json')
    : path.join(tmpDir, 'partial.json');

// ---------------------------------------------------------------- processes
function startSink(mode) {
  return new Promise((resolve, reject) => {
    const p = fork(path.join(here, 'sink.mjs'), [mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    p.once('message', (m) => (m.type === 'ready' ? resolve({ proc: p, port: m.port }) : reject(new Error('sink?'))));
    p.once('error', reject);
    p.once('exit', (code) => reject(new Error(`sink exited ${code}`)));
  });
}
function ask(p, type) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.type === type) {
        p.off('message', on);
        resolve(m.stats ?? m);
      }
    };
    p.on('message', on);
    p.send({ type });
  });
}

function runChild(cfg, execArgv = []) {
  return new Promise((resolve) => {
    const started = Date.now();
    const p = fork(path.join(here, 'child.mjs'), [JSON.stringify(cfg)], {
      cwd: root,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let tail = '';
    const keep = (d) => {
      tail = (tail + d.toString()).slice(-4000);
    };
    p.stdout.on('data', keep);
    p.stderr.on('data', keep);
    let result = null;
    let timedOut = false;
    p.on('message', (m) => {
      if (m.type === 'result') result = m.result;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutS * 1000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      const elapsedMs = Date.now() - started;
      if (result) resolve({ status: 'ok', result, elapsedMs, log: tail });
      else if (timedOut) resolve({ status: 'timeout', error: `killed after ${timeoutS} s`, elapsedMs, log: tail });
      else resolve({ status: 'crashed', error: firstError(tail) || `exit ${code ?? signal}`, code, signal, elapsedMs, log: tail });
    });
  });
}
function firstError(log) {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const i = lines.findIndex((l) => /^(\w*Error|Error)\b|Unhandled|uncaught/i.test(l));
  return (i >= 0 ? lines.slice(i, i + 2) : lines.slice(-2)).join(' ').slice(0, 240);
}

export async function measure({ sdk, n, mode }, execArgv = []) {
  const sink = await startSink(mode);
  const url = `http://127.0.0.1:${sink.port}`;
  // --expose-gc: the child forces a full GC before the first call and after close, for the leak figure
  const r = await runChild({ sdk, n, url, pace: openLoop || mode === 'open' ? null : PACE }, ['--expose-gc', ...execArgv]);
  const st = await ask(sink.proc, 'stats');
  sink.proc.kill();
  return { ...r, sink: st };
}

// ---------------------------------------------------------------- stats helpers
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
function summarize(runs) {
  const ok = runs.filter((r) => r.status === 'ok');
  const pick = (f) => median(ok.map(f));
  const bad = runs.filter((r) => r.status !== 'ok');
  const s = {
    reps: runs.length,
    okReps: ok.length,
    status: bad.length === 0 ? 'ok' : ok.length === 0 ? bad[0].status : `${ok.length}/${runs.length} ok`,
    error: bad[0]?.error,
  };
  if (!ok.length) return s;
  return Object.assign(s, {
    wallMs: pick((r) => r.result.wallMs),
    drainMs: pick((r) => r.result.drainMs),
    cpuMs: pick((r) => r.result.cpuMs),
    peakRssMB: pick((r) => r.result.peakRssBytes / 1048576),
    p50us: pick((r) => r.result.p50us),
    p99us: pick((r) => r.result.p99us),
    p999us: pick((r) => r.result.p999us),
    warmP99us: pick((r) => r.result.warmP99us),
    heapBeforeMB: pick((r) => r.result.heapBeforeMB),
    heapAfterGcMB: pick((r) => r.result.heapAfterGcMB),
    heapGrowthMB: pick((r) => r.result.heapAfterGcMB - r.result.heapBeforeMB),
    heapReleasedMB: pick((r) => r.result.heapReleasedMB),
    requests: pick((r) => r.sink.requests),
    rejected: pick((r) => r.sink.rejected),
    wireBytes: pick((r) => r.sink.wireBytes),
    jsonBytes: pick((r) => r.sink.jsonBytes),
    delivered: pick((r) => r.sink.messages),
    unique: pick((r) => r.sink.unique),
    minUnique: Math.min(...ok.map((r) => r.sink.unique)),
    maxDepth: pick((r) => r.result.maxDepth),
    pausedMs: pick((r) => r.result.pausedMs),
    trackLoopMs: pick((r) => r.result.trackLoopMs),
    heapUsedMB: pick((r) => r.result.peakHeapUsedMB),
    heapTotalMB: pick((r) => r.result.peakHeapTotalMB),
    externalMB: pick((r) => r.result.peakExternalMB),
    arrayBuffersMB: pick((r) => r.result.peakArrayBuffersMB),
    invCtx: pick((r) => r.result.involuntaryCtxSwitches),
    maxUs: pick((r) => r.result.maxUs),
    encodings: ok[0].sink.encodings,
    paths: ok[0].sink.paths,
    extra: ok[ok.length - 1].result.extra,
  });
}

// ---------------------------------------------------------------- main
async function main() {
  const render = opt('render', null);
  if (render) {
    // re-render the report from a results file, without running anything
    const raw = JSON.parse(readFileSync(render, 'utf8'));
    RUNS = new Map(raw.runs.map((r) => [r.key, r.runs]));
    writeFileSync(outMd, report(raw));
    console.log(`rendered ${path.relative(root, outMd)} from ${render}`);
    return;
  }
  mkdirSync(path.join(here, 'results'), { recursive: true });
  mkdirSync(tmpDir, { recursive: true });
  if (plan.some((p) => p.sdk.startsWith('ours')) && !existsSync(path.join(root, 'packages', 'rudderanalytics', 'dist', 'esm', 'index.js'))) {
    console.error('rudderanalytics is not built: run `npm run build -w rudderanalytics` first.');
    process.exit(1);
  }
  if (plan.some((p) => p.sdk.startsWith('ours')) && !existsSync(path.join(root, 'node_modules', 'rudderanalytics'))) {
    console.error('rudderanalytics is not linked in node_modules: run `npm install` at the repo root first.');
    process.exit(1);
  }
  const began = new Date();
  const load0 = os.loadavg();
  const sdkCommit = gitSdk();
  const dist0 = distStamp();
  console.log(`# ${plan.length} runs × ${reps} reps, timeout ${timeoutS} s, ${quick ? 'quick' : 'full'} mode`);
  const runs = new Map(plan.map((p) => [p.key, []]));
  const skip = new Set();
  for (let rep = 0; rep < reps; rep++) {
    for (const p of plan) {
      if (skip.has(p.key)) continue;
      // A run whose smaller-N sibling (same SDK and mode), scaled linearly, would already exceed the
      // timeout is not started (linear is a lower bound); it is reported as "skipped" with the evidence.
      const smaller = plan.filter((q) => q.sdk === p.sdk && q.mode === p.mode && q.n < p.n && runs.get(q.key).length);
      const est = smaller.map((q) => {
        const r0 = runs.get(q.key)[0];
        return { q, ms: r0.status === 'timeout' ? Infinity : (r0.elapsedMs * p.n) / q.n, took: r0.elapsedMs };
      });
      const hopeless = est.find((e) => e.ms > timeoutS * 1000);
      if (hopeless) {
        runs.get(p.key).push({
          status: 'skipped',
          error: `not run: at N=${hopeless.q.n} it took ${(hopeless.took / 1000).toFixed(0)} s, so ≥ ${Number.isFinite(hopeless.ms) ? (hopeless.ms / 1000).toFixed(0) + ' s' : '∞'} here (linear extrapolation) > ${timeoutS} s timeout`,
          elapsedMs: 0,
          sink: {},
        });
        skip.add(p.key);
        console.log(`[rep ${rep + 1}] ${p.mode.padEnd(5)} ${String(p.n).padStart(7)} ${p.sdk.padEnd(12)} SKIPPED: ${runs.get(p.key)[0].error}`);
        continue;
      }
      const r = await measure(p);
      runs.get(p.key).push(r);
      const line =
        r.status === 'ok'
          ? `wall ${(r.result.wallMs / 1000).toFixed(2)} s  cpu ${(r.result.cpuMs / 1000).toFixed(2)} s  rss ${(r.result.peakRssBytes / 1048576).toFixed(0)} MB  p50 ${r.result.p50us.toFixed(2)} µs  p99 ${r.result.p99us.toFixed(2)} µs  req ${r.sink.requests}  wire ${(r.sink.wireBytes / 1e6).toFixed(2)} MB  delivered ${r.sink.messages}  unique ${r.sink.unique}`
          : `${r.status.toUpperCase()}: ${r.error}  (sink saw ${r.sink.messages} msgs, ${r.sink.requests} req)`;
      console.log(`[rep ${rep + 1}] ${p.mode.padEnd(5)} ${String(p.n).padStart(7)} ${p.sdk.padEnd(12)} ${line}`);
      if (r.status === 'timeout' || r.elapsedMs > SLOW_MS) skip.add(p.key);
    }
  }
  // CPU profile of ours at 100k (full runs, or --profile)
  let profile = null;
  if ((writeMain || opt('profile', false) === true) && plan.some((p) => p.sdk === 'ours')) {
    const { record, analyze } = await import('./profile.mjs');
    const rec = await record({ sdk: 'ours', n: 100_000, mode: 'ok' });
    if (rec.file) profile = analyze(rec.file, 15);
  }
  const ended = new Date();
  const dist1 = distStamp();
  const distNote =
    dist0 === dist1
      ? `dist unchanged during the run (newest file ${dist0})`
      : `**the SDK's dist was rebuilt during the run** (${dist0} → ${dist1}): figures may mix two builds`;
  if (dist0 !== dist1) console.log(`WARNING: ${distNote}`);
  const summary = plan.map((p) => ({ ...p, ...summarize(runs.get(p.key)) }));
  RUNS = runs;
  const raw = {
    began: began.toISOString(),
    ended: ended.toISOString(),
    args,
    machine: machine(),
    load: { before: load0, after: os.loadavg() },
    versions: VERSIONS,
    sdkCommit,
    distNote,
    summary,
    profile,
    runs: plan.map((p) => ({ key: p.key, runs: runs.get(p.key).map(({ log, ...r }) => ({ ...r, logTail: r.status === 'ok' ? undefined : log })) })),
  };
  writeFileSync(outJson, JSON.stringify(raw, null, 1));
  const md = report(raw);
  writeFileSync(outMd, md);
  console.log('\n' + table(summary));
  console.log('\n' + ratiosText(summary));
  console.log('\n' + targetsTable(summary));
  console.log(`\nwrote ${path.relative(root, outMd)} and ${path.relative(root, outJson)}`);
}

/** Newest modification time among the SDK's built files: a rebuild during a run shows as a change. */
function distStamp() {
  try {
    const dir = path.join(root, 'packages', 'rudderanalytics', 'dist', 'esm');
    const newest = Math.max(...readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs));
    return new Date(newest).toISOString();
  } catch {
    return '?';
  }
}

/** The commit the SDK under test was built from, and whether its sources had local changes. */
function gitSdk() {
  try {
    const head = execSync('git log -1 --format=%h -- packages/rudderanalytics', { cwd: root }).toString().trim();
    const dirty = execSync('git status --porcelain -- packages/rudderanalytics/src', { cwd: root }).toString().trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in packages/rudderanalytics/src' : ''}`;
  } catch {
    return '?';
  }
}

function machine() {
  let cpu = '?';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)[1];
  } catch {
    // not Linux: the table says '?'
  }
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execSync('nproc').toString().trim());
  } catch {
    // no nproc: Node's count stands
  }
  return { nproc, cpu, node: process.version, os: `${os.type()} ${os.release()}`, memGB: +(os.totalmem() / 2 ** 30).toFixed(1) };
}

// ---------------------------------------------------------------- report
const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const fi = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const find = (S, mode, n, sdk) => S.find((s) => s.mode === mode && s.n === n && s.sdk === sdk);

function table(S) {
  const head =
    '| scenario | SDK | reps | wall s | CPU s | CPU µs/evt | peak RSS MB | track() p50 µs | p99 µs | requests | wire MB | wire B/evt | JSON B/evt | delivered | unique | status |\n' +
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|';
  const rows = S.map((s) => {
    const sc = `${s.mode} ${s.n >= 1e6 ? s.n / 1e6 + 'M' : s.n / 1e3 + 'k'}`;
    const st = s.status === 'ok' ? 'ok' : `**${s.status}**${s.error ? ': ' + s.error.replace(/\|/g, '/') : ''}`;
    if (!s.okReps) return `| ${sc} | ${LABEL[s.sdk]} | ${s.reps} | – | – | – | – | – | – | – | – | – | – | – | – | ${st} |`;
    if (s.sdk === 'noop')
      return `| ${sc} | ${LABEL[s.sdk]} | ${s.okReps} | ${f(s.wallMs / 1000)} | ${f(s.cpuMs / 1000)} | ${f((s.cpuMs * 1000) / s.n)} | ${f(s.peakRssMB, 0)} | ${f(s.p50us)} | ${f(s.p99us)} | – | – | – | – | – | – | baseline |`;
    const lost = s.unique < s.n ? ` (${fi(s.n - s.minUnique)} lost)` : '';
    return `| ${sc} | ${LABEL[s.sdk]} | ${s.okReps} | ${f(s.wallMs / 1000)} | ${f(s.cpuMs / 1000)} | ${f((s.cpuMs * 1000) / s.n)} | ${f(s.peakRssMB, 0)} | ${f(s.p50us)} | ${f(s.p99us)} | ${fi(s.requests)}${s.rejected ? ` (${fi(s.rejected)}×503)` : ''} | ${f(s.wireBytes / 1e6)} | ${f(s.wireBytes / s.n, 0)} | ${f(s.jsonBytes / Math.max(1, s.delivered), 0)} | ${fi(s.delivered)} | ${fi(s.unique)}${lost} | ${st} |`;
  });
  return [head, ...rows].join('\n');
}

function diagTable(S) {
  const head =
    '| scenario | SDK | track loop s | drain s | paused s (backpressure) | max backlog | peak heapUsed MB | peak heapTotal MB | peak external MB | peak arrayBuffers MB | heap before → after close MB | track() p99 after 2k calls µs | p99.9 µs | max µs | involuntary ctx switches |\n' +
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const rows = S.filter((s) => s.okReps).map((s) => {
    const sc = `${s.mode} ${s.n >= 1e6 ? s.n / 1e6 + 'M' : s.n / 1e3 + 'k'}`;
    return `| ${sc} | ${LABEL[s.sdk]} | ${f(s.trackLoopMs / 1000)} | ${f(s.drainMs / 1000)} | ${f(s.pausedMs / 1000)} | ${fi(s.maxDepth)} | ${f(s.heapUsedMB, 0)} | ${f(s.heapTotalMB, 0)} | ${f(s.externalMB, 0)} | ${f(s.arrayBuffersMB, 0)} | ${f(s.heapBeforeMB, 1)} → ${f(s.heapAfterGcMB, 1)} | ${f(s.warmP99us)} | ${f(s.p999us, 1)} | ${f(s.maxUs, 0)} | ${fi(s.invCtx)} |`;
  });
  return [head, ...rows].join('\n');
}

// Ours vs floor-gzip. The box is shared, so load drifts during a run; ours and the floor run back to
// back in every repetition, so the ratio is taken per repetition (paired) and its median reported,
// next to the ratio of the medians.
let RUNS = new Map();
function ratios(S) {
  const out = [];
  for (const mode of ['ok', 'open']) {
    for (const n of [...new Set(S.map((s) => s.n))]) {
      const o = find(S, mode, n, 'ours');
      const fl = find(S, mode, n, 'floor-gzip');
      if (!o?.okReps || !fl?.okReps) continue;
      const ro = RUNS.get(o.key) || [];
      const rf = RUNS.get(fl.key) || [];
      const paired = (g) => {
        const xs = [];
        for (let i = 0; i < Math.min(ro.length, rf.length); i++) if (ro[i].status === 'ok' && rf[i].status === 'ok') xs.push(g(ro[i]) / g(rf[i]));
        return median(xs);
      };
      out.push({
        mode,
        n,
        o,
        fl,
        cpu: o.cpuMs / fl.cpuMs,
        cpuPaired: paired((r) => r.result.cpuMs),
        wire: o.wireBytes / fl.wireBytes,
        wirePaired: paired((r) => r.sink.wireBytes),
        wall: o.wallMs / fl.wallMs,
        rss: o.peakRssMB / fl.peakRssMB,
        rssPaired: paired((r) => r.result.peakRssBytes),
        p99Paired: paired((r) => r.result.p99us),
      });
    }
  }
  return out;
}
const scenarioName = (mode, n) => `${mode === 'open' ? 'open loop' : mode === 'ok' ? 'paced' : mode} ${n >= 1e6 ? n / 1e6 + 'M' : n / 1e3 + 'k'}`;
function ratiosText(S) {
  const R = ratios(S);
  if (!R.length) return '(no ours/floor-gzip pair)';
  return (
    '| scenario | CPU ours/floor-gzip (paired) | CPU, ratio of medians | wire bytes (paired) | peak RSS (paired) | peak RSS, ratio of medians | track() p99 (paired) | wall, ratio of medians |\n|---|--:|--:|--:|--:|--:|--:|--:|\n' +
    R.map(
      (r) =>
        `| ${scenarioName(r.mode, r.n)} | **${f(r.cpuPaired)}×** | ${f(r.cpu)}× | **${f(r.wirePaired)}×** | **${f(r.rssPaired)}×** | ${f(r.rss)}× | **${f(r.p99Paired)}×** | ${f(r.wall)}× |`,
    ).join('\n') +
    '\n\n*Paired* = median over repetitions of (ours ÷ floor-gzip in the same repetition, run back to back); the targets use it.'
  );
}

// Issue #13's targets: every ratio paired (ours ÷ floor-gzip in the same repetition), medians of the reps.
// "Heap after close back to the baseline (no leak)", as two checks that fail on a leak (see Method):
const HELD_AFTER_CLOSE_KB = 100; // heap the closed client still holds: what a full GC frees once the driver drops it
const LEAK_B_PER_EVENT = 1; // heap after close, per extra event: the largest N of a mode against its smallest
function targets(S) {
  const T = [];
  const add = (name, ok, value, bound) => T.push({ name, ok, value, bound });
  for (const r of ratios(S)) {
    if (r.n < 100_000) continue;
    const sc = scenarioName(r.mode, r.n);
    add(
      `${sc}: CPU ≤ 1.2× floor-gzip`,
      r.cpuPaired <= 1.2,
      `${f(r.cpuPaired)}× (medians ${f(r.o.cpuMs / 1000)} s vs ${f(r.fl.cpuMs / 1000)} s)`,
      '≤ 1.2×',
    );
    add(
      `${sc}: wire bytes ≤ 1.05× floor-gzip`,
      r.wirePaired <= 1.05,
      `${f(r.wirePaired, 3)}× (${f(r.o.wireBytes / 1e6)} MB vs ${f(r.fl.wireBytes / 1e6)} MB)`,
      '≤ 1.05×',
    );
    const drv = find(S, r.mode, r.n, 'noop');
    add(
      `${sc}: peak RSS ≤ 1.25× floor-gzip`,
      r.rssPaired <= 1.25,
      `${f(r.rssPaired)}× (medians ${f(r.o.peakRssMB, 0)} MB vs ${f(r.fl.peakRssMB, 0)} MB; driver alone ${drv?.okReps ? f(drv.peakRssMB, 0) : '?'} MB)`,
      '≤ 1.25×',
    );
    add(
      `${sc}: track() p99 ≤ 1.1× floor-gzip's`,
      r.p99Paired <= 1.1,
      `${f(r.p99Paired)}× (medians ${f(r.o.p99us)} µs vs ${f(r.fl.p99us)} µs)`,
      '≤ 1.1×',
    );
  }
  heapTargets(S, add);
  const oFl = find(S, 'flaky', 20_000, 'ours');
  if (oFl?.okReps) {
    add('flaky: every event delivered', oFl.minUnique >= oFl.n, `${fi(oFl.minUnique)} / ${fi(oFl.n)} unique (worst rep)`, `= N`);
    const base = find(S, 'ok', oFl.n, 'ours');
    if (base?.okReps)
      add(
        'flaky: wall ≤ 5× fault-free wall',
        oFl.wallMs <= 5 * base.wallMs,
        `${f(oFl.wallMs / 1000)} s vs ${f(base.wallMs / 1000)} s (${f(oFl.wallMs / base.wallMs)}×)`,
        '≤ 5×',
      );
  } else if (oFl) add('flaky: every event delivered', false, oFl.status + (oFl.error ? ': ' + oFl.error : ''), '= N');
  return T;
}
/** Bytes of heap left after close per extra event: (growth at the largest N − at the smallest) / ΔN. */
const leakPerEvent = (small, large) => ((large.heapGrowthMB - small.heapGrowthMB) * 1048576) / (large.n - small.n);
function heapTargets(S, add) {
  for (const mode of ['ok', 'open']) {
    const runs = (sdk) => S.filter((s) => s.mode === mode && s.sdk === sdk && s.okReps && Number.isFinite(s.heapGrowthMB)).sort((a, b) => a.n - b.n);
    const ours = runs('ours');
    for (const s of ours)
      if (s.n >= 100_000 && Number.isFinite(s.heapReleasedMB))
        add(
          `${scenarioName(mode, s.n)}: nothing of the client's kept after close`,
          s.heapReleasedMB * 1024 <= HELD_AFTER_CLOSE_KB,
          `${f(s.heapReleasedMB * 1024, 0)} KB held by the closed client (freed when the driver drops it, full GC)`,
          `≤ ${HELD_AFTER_CLOSE_KB} KB`,
        );
    if (ours.length < 2) continue;
    const [small, large] = [ours[0], ours.at(-1)];
    const perEvent = leakPerEvent(small, large);
    const floor = runs('floor-gzip').filter((s) => s.n === small.n || s.n === large.n);
    const floorText = floor.length === 2 ? `; floor ${f(leakPerEvent(floor[0], floor[1]))} B` : '';
    add(
      `${scenarioName(mode, large.n)}: heap after close does not grow with N`,
      perEvent <= LEAK_B_PER_EVENT,
      `${f(perEvent)} B per extra event${floorText} (heap after close − before: ${f(small.heapGrowthMB)} MB at ${scenarioName(mode, small.n)}, ${f(large.heapGrowthMB)} MB at ${scenarioName(mode, large.n)}, full GC)`,
      `≤ ${LEAK_B_PER_EVENT} B/event`,
    );
  }
}
function targetsTable(S) {
  const T = targets(S);
  if (!T.length) return '(no targets measurable in this run)';
  return (
    '| target | bound | measured | |\n|---|---|---|---|\n' +
    T.map((t) => `| ${t.name} | ${t.bound} | ${t.value} | ${t.ok ? '**met**' : '**MISSED**'} |`).join('\n')
  );
}

function profileSection(p) {
  const line = (r) => `| ${f(r.pct, 1)}% | ${f(r.ms, 0)} | \`${r.fn.replace(/\|/g, '/')}\` |`;
  const tbl = (rows) => '| % of busy | ms | function |\n|--:|--:|---|\n' + rows.map(line).join('\n');
  return `## Profile: ours, 100k events (\`node bench/profile.mjs\`)

\`node --cpu-prof\` of one ours-100k child (main thread only; zlib runs on the libuv pool and is not in it).
Sampled ${f(p.sampledMs / 1000)} s, busy ${f(p.busyMs / 1000)} s. The samples are wall-clock: on a loaded 2-core box
time the thread spent descheduled is charged to whatever function it was in, so read percentages as ±several points.
Profile file: \`${p.file}\` (git-ignored).

By origin:

${tbl(p.origins)}

Top self time, SDK functions (\`packages/rudderanalytics/dist\`):

${tbl(p.topSdk.slice(0, 12))}

Top self time, everything:

${tbl(p.topAll.slice(0, 12))}

Inclusive time, SDK functions:

${tbl(p.inclSdk.slice(0, 12))}
`;
}

function report(raw) {
  const S = raw.summary;
  const m = raw.machine;
  const cmd = 'npm run bench' + (raw.args.length ? ' -- ' + raw.args.join(' ') : '');
  const notes = [];
  for (const s of S) {
    if (s.okReps && s.okReps < reps)
      notes.push(
        `${s.mode} ${s.n} ${LABEL[s.sdk]}: median of ${s.okReps} rep(s) (a rep took > ${SLOW_MS / 1000} s or failed, so it was not repeated)`,
      );
    if (s.okReps && s.extra && (s.extra.errors || s.extra.retries)) notes.push(`${s.mode} ${s.n} ${LABEL[s.sdk]}: ${JSON.stringify(s.extra)}`);
  }
  const enc = S.filter((s) => s.okReps && s.mode === 'ok' && s.n === S[0].n).map(
    (s) =>
      `${LABEL[s.sdk]}: ${Object.entries(s.paths || {})
        .map(([p, c]) => `${p} ×${c}`)
        .join(', ')}; ${Object.keys(s.encodings || {}).join('/')}`,
  );
  return `# Benchmarks

Generated by \`bench/run.mjs\` — do not edit by hand; re-run \`${cmd}\` to refresh.

- **Date:** ${raw.began} → ${raw.ended} (UTC)
- **Command:** \`${cmd}\` (each figure: median of ${reps} repetition${reps > 1 ? 's' : ''}, each repetition one fresh child process per SDK)
- **Machine:** ${m.nproc} × ${m.cpu} (\`nproc\` = ${m.nproc}), ${m.memGB} GB RAM, ${m.os}, Node ${m.node}
- **Load average** before/after: ${raw.load.before.map((x) => x.toFixed(2)).join(' ')} / ${raw.load.after.map((x) => x.toFixed(2)).join(' ')} (the checkout is shared; other work on the box adds noise)
- **Versions:** rudderanalytics ${raw.versions.ours} (last commit touching packages/rudderanalytics: ${raw.sdkCommit ?? 'not recorded'}; built \`dist\` as found; ${raw.distNote ?? 'dist rebuilds not tracked'}), @rudderstack/rudder-sdk-node ${raw.versions['rudder-node']}, @segment/analytics-node ${raw.versions.segment}, posthog-node ${raw.versions.posthog}

## Results

${table(S)}

### Ours vs the floor (gzip)

${ratiosText(S)}

### Diagnostics (medians)

*p99 after 2k calls* = the p99 without the first 2,000 calls (interpreter / JIT warm-up), i.e. steady state.
*track loop* = time to make the N calls (includes backpressure pauses), *drain* = last call → all
acknowledged, *paused* = time the driver waited for the SDK's backlog to fall under ${PACE.toLocaleString('en-US')}, *max backlog* =
largest backlog seen at a yield point (queued + in flight, as the SDK reports it; "–" when it exposes none).
Involuntary context switches show how often the driver thread lost its core (2 cores shared with zlib
threads and the sink); whenever that happens inside a timed \`track()\` call the call takes ms instead of µs, so once they
number more than ~1% of N they decide the p99.

${diagTable(S)}

## Targets (ours)

${targetsTable(S)}

## Method

- **Sink** (\`bench/sink.mjs\`): separate process, \`node:http\` on 127.0.0.1, port 0. Accepts POST on any path
  (RudderStack and Segment use \`/v1/batch\`, PostHog \`/batch/\`), counts requests and body bytes *as received*
  (compressed), gunzips \`Content-Encoding: gzip\`, \`JSON.parse\`s and counts the messages of the \`batch\` array
  (PostHog sends \`{"api_key","batch":[…]}\`) and unique ids (\`messageId\`, PostHog \`uuid\`) in a \`Set\`.
  Answers \`200 OK\` like the RudderStack gateway. Mode \`flaky\`: every third request answered \`503\`
  (its bytes count in "wire", its messages are not counted). One fresh sink per measured run.
- **Driver** (\`bench/child.mjs\`): one child process per run. Event *i* is built by \`bench/events.mjs\`
  (fresh object per call, realistic e-commerce properties; ~430 B of JSON per message on the wire, see "JSON B/evt"),
  then \`track()\` is timed individually with \`process.hrtime.bigint()\` into a preallocated \`Float64Array\`
  (the event's construction is outside the timed span). After the last call the SDK's own flush/close is awaited.
- **Pacing — what was done about \`maxQueueSize\`:** the driver yields to the event loop
  (\`await new Promise(setImmediate)\`) every 1000 calls, like a server between requests, **and** after each yield,
  while the SDK reports ${PACE.toLocaleString('en-US')} or more undelivered events, it waits (1 ms timers, idle) — a server that stops
  taking work while its outbound queue is full. Yielding alone is not enough on this box: an open-loop driver makes
  events faster than any of the SDKs (or the floor) can gzip and send them on 2 cores, so without the wait the
  backlog grows with N (65k queued at 100k in a trial run), the RSS then measures the backlog rather than the SDK,
  and a 20,000-event queue overflows. With the wait, every SDK keeps its default 20,000-event queue (ours:
  \`maxQueueSize\` default, nothing raised) and nothing can be dropped; the time spent waiting is in "paused" below
  and counts in wall but not CPU. The **open loop** scenarios (\`open 100k\`, \`open 1M\`) run without the wait, with every
  queue limit raised to N (ours: \`maxQueueSize\` = N): a burst as it hits a real server; the backlog then grows with N and
  the RSS measures it, for ours and the floor alike. \`--open-loop\` runs every scenario that way.
- **Figures:** *wall* = first \`track()\` → everything acknowledged; *CPU* = user+sys of the child
  (\`process.cpuUsage()\`, all threads, so zlib on the libuv pool counts) over the same span; *peak RSS* =
  max of \`process.resourceUsage().maxRSS\` and a 10 ms \`memoryUsage.rss()\` sampler (whole process, driver
  included: see the "driver only" row — Node, the harness and the 8 B × N latency array); *requests / wire bytes /
  delivered / unique* = counted by the sink (delivered counts messages in 2xx-answered requests, duplicates
  included). *JSON B/evt* = decompressed body bytes per delivered message. Each child has a hard ${timeoutS} s
  timeout (SIGKILL → "timeout"; 200 s rather than 300 s keeps the full run near 15 min); a child that exits without
  reporting is "crashed" with its first error line. A run slower than ${SLOW_MS / 1000} s is not repeated, and a run whose smaller-N
  sibling, scaled linearly, already exceeds the timeout is "skipped" with that evidence.
- **Floor** (\`bench/adapters/floor.mjs\`): the least work to put the same events on the wire:
  the same envelope ours sends (type, context.library, integrations, \`crypto.randomUUID()\` messageId, ISO
  originalTimestamp, channel, sentAt) + \`JSON.stringify\` per event in \`track()\`; bodies \`{"batch":[…]}\` of
  ≤ 450 KB joined from the strings, \`zlib.gzip\` (default level 6, as ours; \`floor-raw\` skips it), POSTed one at
  a time with \`node:http\` keep-alive; non-2xx retried after 100 ms.
- **Driver only** (\`bench/adapters/noop.mjs\`): \`track()\` does nothing: the harness's own CPU and RSS.
- **Ratios** ours ÷ floor-gzip are taken per repetition (the two run back to back) and the median reported, because
  the load on this shared box drifts during a run. Targets (issue #13), at 100k and 1M, paced and open loop:
  CPU ≤ 1.2×, wire bytes ≤ 1.05×, peak RSS ≤ 1.25×, track() p99 ≤ 1.1× of floor-gzip, all paired; heap after
  close back to the baseline, as two checks (see "Heap after close" below).
- **Heap after close** (issue #13: "back to the baseline, no leak"). The child (\`--expose-gc\`) reads \`heapUsed\` once
  full GCs free nothing more (\`bench/live-heap.mjs\`) before the first \`track()\` and after \`close()\`, then lets go of the
  SDK instance and reads it again. Two checks, each able to fail: (1) *nothing of the client's kept after close*: what
  that last GC frees, i.e. what the closed client still holds, ≤ ${HELD_AFTER_CLOSE_KB} KB (ours 16–34 KB, the floor's instance 10–25 KB:
  the objects themselves, no event, buffer, socket, timer or listener); (2) *no growth with N*: (after − before) at the
  largest N of a mode minus the same at its smallest N, per extra event, ≤ ${LEAK_B_PER_EVENT} B (paced 1M vs 20k, open loop 1M vs
  100k): a leak of a byte per event or more, anywhere (a module-level array, a cache), fails it. Both were shown to fail
  (2026-11-29, paced 20k + 1M, ours, 1 rep, the built SDK edited for the trial, then rebuilt): a module-level array
  keeping one number per event read 10.87 B/event on (2), MISSED, while (1) stayed met (34 KB); the dispatcher keeping a
  reference to its last batch read 554 KB on (1), MISSED, while (2) stayed met (0.39 B/event). The difference after −
  before itself (ours ≈ 1.0–1.4 MB, the floor 0.7–1.1 MB) is not the SDK's: \`node bench/heap-diff.mjs\` takes heap snapshots
  at both points and diffs them by object id. Of what the run left, V8's compiled code is 90–94% for both (ours 20k:
  1.01 of 1.13 MB = machine code 0.59, bytecode and function metadata 0.25, feedback vectors / inline caches 0.14, hidden
  classes 0.05; 1M: 1.45 of 1.55 MB; the floor 0.70 of 0.76 and 1.06 of 1.13 MB); the rest (~0.1 MB) is strings and
  state of Node's lazily loaded http/zlib internals, none of it held by the client. Its growth with N is
  machine code (ours 0.59 → 0.95 MB): a longer run optimizes more functions. A warm-up client that sends and closes 10
  events first (\`--warmup=10\`) moves the modules and bytecode into the baseline (ours 4.19 → 4.66 MB) and leaves 0.60 MB
  (20k) / 0.91 MB (1M), nearly all machine code; the bench does not warm up, since that would change the JIT state
  the timed calls start from (the p99 figures). The previous check (after ≤ before + 1 MB) compared against a heap without those modules and that code,
  so the floor failed it too, and it could not tell a leak from compiled code.
- \`npm run bench -- --quick\`: N = 20k only, 1 repetition, 20 s timeout (slow peers show as "timeout"); writes
  \`bench/results/quick.md\` and leaves this file alone. Other tools: \`node bench/profile.mjs\` (CPU profile, ours 100k),
  \`node --expose-gc bench/memory.mjs\` (retained heap per queued event, and what a closed client holds),
  \`node bench/heap-diff.mjs\` (what stays on the heap after close, by kind and holder), \`--only=ours,ours-http\` (ours with a
  node:http \`fetch\`, an experiment), \`node bench/spaces.mjs\` (peak bytes per V8 heap space, see "Where the memory goes"),
  \`npm run bench -- --core\` (driver, ours and the floor only: how this file's figures were made since #13).

### Settings changed from each SDK's defaults

Every SDK keeps a 20,000-event queue and the driver keeps the backlog below it (see Pacing).

| SDK | changed | drain at the end | defaults that matter |
|---|---|---|---|
| rudderanalytics (ours) | nothing (\`RudderAnalytics.load(writeKey, sinkUrl)\`) | \`await flush()\`, \`await close()\` | gzip (zlib level 6), \`maxBatchBytes\` 500,000, \`flushAt\` 1000, \`maxQueueSize\` 20,000, \`maxInFlight\` 2, node:http keep-alive (Node's fetch before #13) |
| @rudderstack/rudder-sdk-node | \`dataPlaneUrl\` = sink (\`maxInternalQueueSize\` already 20,000) | \`await flush()\` repeated until its (non-public) \`queue\` is empty — one \`flush()\` sends one batch | gzip, \`flushAt\` 20, \`maxQueueSize\` 450 KB, axios-retry 3 retries (exponential) |
| @segment/analytics-node | \`host\` = sink (path stays \`/v1/batch\`) | \`await closeAndFlush()\` (its default timeout: 75 s) | no gzip, \`flushAt\` 15, \`maxRetries\` 10; no queue limit (backlog read from its \`_pendingEvents\`) |
| posthog-node | \`host\` = sink, \`maxQueueSize: 20000\` (default 1000 drops the oldest) | \`await flush()\`, \`await shutdown()\` | gzip, \`flushAt\` 20, \`maxBatchSize\` 100, \`fetchRetryCount\` 3, \`fetchRetryDelay\` 3000 ms |

Observed request paths / encodings at N = ${fi(S[0]?.n)}: ${enc.join(' · ') || '–'}.

### Why the peers look the way they do (read from their sources, versions above)

- **@rudderstack/rudder-sdk-node**: every \`track()\` runs \`this.queue.reduce((acc, item) => acc + JSON.stringify(item).length, 0)\`
  over the whole in-memory queue to check its 450 KB limit, so a call costs O(queue) and N calls O(N²) — ms per call
  once a few thousand events wait; at 100k it would run for many minutes (skipped). Under 503s, a \`flush()\` started
  from inside \`track()\` rejects with nobody awaiting it (after axios-retry's 3 retries), and Node's default
  unhandled-rejection mode ends the process: "crashed".
- **@segment/analytics-node**: no gzip, one request per 15 events, each sent as soon as it is full with no cap on
  concurrent requests (hence ~1,300 / 6,700 requests and ~400 MB RSS); in the flaky run \`closeAndFlush()\`'s default
  75 s timeout ends the drain while batches still wait in backoff: those events are lost.
- **posthog-node**: batches of 100 sent one at a time; a failed request is retried after a fixed 3 s
  (\`fetchRetryDelay\`), so a 503 on every third request makes 20k events take ~100 × 3 s ≈ 300 s > timeout.

${raw.profile ? profileSection(raw.profile) : ''}
${notes.length ? '### Notes\n\n' + notes.map((x) => `- ${x}`).join('\n') + '\n' : ''}${keptSections()}`;
}

// Sections of BENCHMARKS.md written by other tools (the data plane's ingest benchmark, the memory
// accounting) start at one of these headings; a re-render keeps them as they are.
const KEPT_HEADINGS = ['## Data plane ingest', '## Where the memory goes'];
function keptSections() {
  let text;
  try {
    text = readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8');
  } catch {
    return '';
  }
  const starts = KEPT_HEADINGS.map((h) => text.indexOf('\n' + h)).filter((i) => i >= 0);
  return starts.length ? '\n' + text.slice(Math.min(...starts) + 1) : '';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
