// Running the measurements: a sink process and a driver child per run (bench/sink.mjs, bench/child.mjs),
// repeated over the plan, with the runs too slow to repeat or hopeless to start left out.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACE } from './scenarios.mjs';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(benchDir);

function startSink(mode) {
  return new Promise((resolve, reject) => {
    const p = fork(path.join(benchDir, 'sink.mjs'), [mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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

function runChild(cfg, timeoutS, execArgv = []) {
  return new Promise((resolve) => {
    const started = Date.now();
    const p = fork(path.join(benchDir, 'child.mjs'), [JSON.stringify(cfg)], {
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

/** One measured run of `sdk` sending `n` events to a fresh sink in `mode`: the child's result and the sink's counts. */
export async function measure({ sdk, n, mode }, { timeoutS, openLoop }, execArgv = []) {
  const sink = await startSink(mode);
  const url = `http://127.0.0.1:${sink.port}`;
  // --expose-gc: the child forces a full GC before the first call and after close, for the leak figure
  const r = await runChild({ sdk, n, url, pace: openLoop || mode === 'open' ? null : PACE }, timeoutS, ['--expose-gc', ...execArgv]);
  const st = await ask(sink.proc, 'stats');
  sink.proc.kill();
  return { ...r, sink: st };
}

/**
 * Every run of `plan`, `reps` times over, one line per run to `log`: a map from each run's key to its
 * repetitions, in order.
 */
export async function runRepetitions(plan, settings, log) {
  const { reps, timeoutS, slowMs } = settings;
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
        log(`[rep ${rep + 1}] ${p.mode.padEnd(5)} ${String(p.n).padStart(7)} ${p.sdk.padEnd(12)} SKIPPED: ${runs.get(p.key)[0].error}`);
        continue;
      }
      const r = await measure(p, settings);
      runs.get(p.key).push(r);
      const line =
        r.status === 'ok'
          ? `wall ${(r.result.wallMs / 1000).toFixed(2)} s  cpu ${(r.result.cpuMs / 1000).toFixed(2)} s  rss ${(r.result.peakRssBytes / 1048576).toFixed(0)} MB  p50 ${r.result.p50us.toFixed(2)} µs  p99 ${r.result.p99us.toFixed(2)} µs  req ${r.sink.requests}  wire ${(r.sink.wireBytes / 1e6).toFixed(2)} MB  delivered ${r.sink.messages}  unique ${r.sink.unique}`
          : `${r.status.toUpperCase()}: ${r.error}  (sink saw ${r.sink.messages} msgs, ${r.sink.requests} req)`;
      log(`[rep ${rep + 1}] ${p.mode.padEnd(5)} ${String(p.n).padStart(7)} ${p.sdk.padEnd(12)} ${line}`);
      if (r.status === 'timeout' || r.elapsedMs > slowMs) skip.add(p.key);
    }
  }
  return runs;
}
