#!/usr/bin/env node
// CPU profile of one benchmark run (default: ours, 100k events, fault-free sink).
//
//   node bench/profile.mjs [--sdk=ours] [--n=100000] [--mode=ok|flaky] [--top=30]
//
// Runs bench/child.mjs under `node --cpu-prof` (main thread only: zlib on the libuv pool is not in it,
// it shows in the run's CPU figure instead), then prints self time per function, the SDK's own
// functions (packages/rudderanalytics) separately, inclusive time of the SDK's entry points, and a
// split by origin (SDK / node internals / harness / GC / idle). The .cpuprofile is kept in .bench-tmp/profiles/.
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dir = path.join(root, '.bench-tmp', 'profiles');

export async function record({ sdk = 'ours', n = 100_000, mode = 'ok' } = {}) {
  mkdirSync(dir, { recursive: true });
  const sink = fork(path.join(here, 'sink.mjs'), [mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise((res) => sink.once('message', (m) => res(m.port)));
  const before = new Set(readdirSync(dir));
  const child = fork(path.join(here, 'child.mjs'), [JSON.stringify({ sdk, n, url: `http://127.0.0.1:${port}`, pace: 19_000 })], {
    cwd: root,
    execArgv: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'],
  });
  let result;
  child.on('message', (m) => m.type === 'result' && (result = m.result));
  await new Promise((res) => child.on('exit', res));
  sink.kill();
  const fresh = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  fresh.sort((a, b) => statSync(path.join(dir, b)).mtimeMs - statSync(path.join(dir, a)).mtimeMs);
  return { file: path.join(dir, fresh[0]), result };
}

/** Self / inclusive time per function of a .cpuprofile; percentages are of non-idle time. */
export function analyze(profPath, TOP = 30) {
  const prof = JSON.parse(readFileSync(profPath, 'utf8'));
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map();
  for (const nd of prof.nodes) for (const c of nd.children || []) parent.set(c, nd.id);
  const self = new Map(); // node id → µs
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) || 0) + (prof.timeDeltas[i] || 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const shortUrl = (u) =>
    u
      ? u
          .replace(/^file:\/\//, '')
          .replace(root + '/', '')
          .replace(/^node_modules\//, '')
      : '';
  const keyOf = (cf) => `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;
  const origin = (cf) => {
    const u = cf.url || '';
    if (u.includes('packages/rudderanalytics')) return 'SDK (packages/rudderanalytics)';
    if (u.includes('/bench/')) return 'harness (bench/)';
    if (u.startsWith('node:')) return 'node internals (JS)';
    if (u.includes('node_modules')) return 'node_modules';
    if (cf.functionName === '(garbage collector)') return 'GC';
    if (cf.functionName === '(idle)') return 'idle';
    if (cf.functionName === '(program)') return '(program: native, not attributed)';
    if (!u) return 'native / V8 builtins';
    return 'other';
  };
  const selfBy = new Map();
  const originBy = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const k = keyOf(cf);
    selfBy.set(k, { us: (selfBy.get(k)?.us || 0) + us, cf });
    const o = origin(cf);
    originBy.set(o, (originBy.get(o) || 0) + us);
  }
  // inclusive time of SDK functions (each function counted once per sample)
  const incl = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (!(cf.url || '').includes('packages/rudderanalytics')) continue;
      const k = keyOf(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) || 0) + us);
    }
  }
  const busy = total - (originBy.get('idle') || 0);
  const row = (k, us) => ({ fn: k, ms: us / 1000, pct: (100 * us) / busy });
  const sorted = [...selfBy].filter(([, v]) => v.cf.functionName !== '(idle)').sort((a, b) => b[1].us - a[1].us);
  return {
    file: path.relative(root, profPath),
    sampledMs: total / 1000,
    busyMs: busy / 1000,
    origins: [...originBy].sort((a, b) => b[1] - a[1]).map(([o, us]) => row(o, us)),
    topAll: sorted.slice(0, TOP).map(([k, v]) => row(k, v.us)),
    topSdk: sorted
      .filter(([, v]) => (v.cf.url || '').includes('packages/rudderanalytics'))
      .slice(0, TOP)
      .map(([k, v]) => row(k, v.us)),
    inclSdk: [...incl]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([k, us]) => row(k, us)),
  };
}

export function printAnalysis(a) {
  const line = (r) => `  ${r.pct.toFixed(1).padStart(5)}% ${r.ms.toFixed(0).padStart(6)} ms  ${r.fn}`;
  console.log(
    `\nprofile: ${a.file}\nsampled ${(a.sampledMs / 1000).toFixed(2)} s, busy (non-idle) ${(a.busyMs / 1000).toFixed(2)} s; percentages are of busy time`,
  );
  console.log('(wall-clock samples of the main thread: time it spent descheduled on a busy box lands in whatever function was running)\n');
  console.log('by origin:');
  a.origins.forEach((r) => console.log(line(r)));
  console.log(`\ntop self time, all:`);
  a.topAll.forEach((r) => console.log(line(r)));
  console.log('\nSDK functions, self time:');
  a.topSdk.forEach((r) => console.log(line(r)));
  console.log('\nSDK functions, inclusive time:');
  a.inclSdk.forEach((r) => console.log(line(r)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (k, d) => {
    const a = args.find((x) => x.startsWith(`--${k}=`));
    return a ? a.slice(k.length + 3) : d;
  };
  const top = Number(opt('top', 30));
  let file = opt('file', null);
  if (!file) {
    const r = await record({ sdk: opt('sdk', 'ours'), n: Number(opt('n', 100_000)), mode: opt('mode', 'ok') });
    file = r.file;
    const x = r.result;
    if (x)
      console.log(
        `run: wall ${(x.wallMs / 1000).toFixed(2)} s, cpu ${(x.cpuMs / 1000).toFixed(2)} s, p50 ${x.p50us.toFixed(2)} µs, p99 ${x.p99us.toFixed(2)} µs`,
      );
  }
  printAnalysis(analyze(file, top));
}
