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
const args = process.argv.slice(2);
const opt = (k, d) => {
  const a = args.find((x) => x.startsWith(`--${k}=`));
  return a ? a.slice(k.length + 3) : d;
};
const sdk = opt('sdk', 'ours');
const n = Number(opt('n', 100_000));
const mode = opt('mode', 'ok');
const TOP = Number(opt('top', 30));
const file = opt('file', null);

const dir = path.join(root, '.bench-tmp', 'profiles');
mkdirSync(dir, { recursive: true });

async function record() {
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
  if (result) console.log(`run: wall ${(result.wallMs / 1000).toFixed(2)} s, cpu ${(result.cpuMs / 1000).toFixed(2)} s, p50 ${result.p50us.toFixed(2)} µs, p99 ${result.p99us.toFixed(2)} µs`);
  return path.join(dir, fresh[0]);
}

function analyze(profPath) {
  const prof = JSON.parse(readFileSync(profPath, 'utf8'));
  const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map();
  for (const nd of prof.nodes) for (const c of nd.children || []) parent.set(c, nd.id);
  const self = new Map(); // node id → µs
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) || 0) + (prof.timeDeltas[i] || 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const shortUrl = (u) => (u ? u.replace(/^file:\/\//, '').replace(root + '/', '').replace(/^node_modules\//, '') : '');
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
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`\nprofile: ${path.relative(root, profPath)}\nsampled ${(total / 1e6).toFixed(2)} s, busy (non-idle) ${(busy / 1e6).toFixed(2)} s; percentages are of busy time\n`);
  console.log('by origin:');
  for (const [o, us] of [...originBy].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)} ${ms(us)}  ${o}`);
  const sorted = [...selfBy].filter(([, v]) => v.cf.functionName !== '(idle)').sort((a, b) => b[1].us - a[1].us);
  console.log(`\ntop ${TOP} self time, all:`);
  for (const [k, v] of sorted.slice(0, TOP)) console.log(`  ${pct(v.us)} ${ms(v.us)}  ${k}`);
  console.log('\nSDK functions, self time:');
  for (const [k, v] of sorted.filter(([, v]) => (v.cf.url || '').includes('packages/rudderanalytics')).slice(0, TOP)) console.log(`  ${pct(v.us)} ${ms(v.us)}  ${k}`);
  console.log('\nSDK functions, inclusive time:');
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(us)} ${ms(us)}  ${k}`);
}

analyze(file || (await record()));
