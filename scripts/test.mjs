#!/usr/bin/env node
// The test command: installs the system packages the suites need when missing, builds every package,
// then runs the test files with Node's own test runner. `npm test` (no flag): every suite on this
// machine's Node. `npm run test:lines` (`--lines`): the other pinned Node lines (see node-lines.mjs).
// Arguments other than the flag select the test files whose path contains one of them.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { otherLines, thisLine } from './node-lines.mjs';
import { runNpm } from './run-npm.mjs';
import { ensureSqliteEngine } from './sqlite-fallback.mjs';
import { startTestBrowser } from './test-browser.mjs';
import { runsWithoutStorage, STATIC_CHECKS, testFiles } from './test-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** System packages some suites drive for real: binary to look for → Debian package that provides it. */
const SYSTEM_PACKAGES = [
  { bin: 'redis-server', pkg: 'redis-server', path: ['/usr/bin/redis-server'] },
  { bin: 'chromium', pkg: 'chromium', path: ['/usr/bin/chromium'] },
  // The warehouse suites start a real PostgreSQL server; Debian keeps it off PATH, per major version.
  { bin: 'postgres', pkg: 'postgresql', path: ['15', '16', '17', '18'].map((v) => `/usr/lib/postgresql/${v}/bin/postgres`) },
];

function has(bin, paths) {
  if (paths.some((p) => existsSync(p))) return true;
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !has(p.bin, p.path));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg).join(' ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`The test suites need these Debian packages: ${names}\nInstall them with: sudo apt-get install -y ${names}`);
    process.exit(1);
  }
  console.log(`# installing missing system packages: ${names}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.pkg)], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const still = missing.filter((p) => !has(p.bin, p.path));
  if (still.length) {
    console.error(`still missing after apt-get: ${still.map((p) => p.pkg).join(' ')}`);
    process.exit(1);
  }
}

ensureSystemPackages();

const args = process.argv.slice(2);
const lines = args.includes('--lines');
const filter = args.filter((a) => a !== '--lines');
let files = testFiles(root);
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files found (the static checks in ${STATIC_CHECKS} run with \`npm run lint\`)`);
  process.exit(1);
}

function fail(error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// On Node 20 the SQLite addon's compile (a minute or more of C, on one core) runs beside the TypeScript
// build, and on past it: the suites that never reach the data plane's storage start as soon as the build is done.
const engine = ensureSqliteEngine();
let engineReady = false;
engine.then(
  () => (engineReady = true),
  () => {},
);
await runNpm(['run', 'build', '--silent'], { cwd: root }).catch(fail);

/**
 * Runs `files` with one Node binary; resolves with its pass/fail totals and how long it took. `yielding`:
 * at a lower CPU priority (its test processes inherit it), so work beside it keeps a whole core.
 */
async function run(line, files, { part = '', yielding = false } = {}) {
  const label = part ? `${line.label}, ${part}` : line.label;
  console.log(`\n# ${label}: ${files.length} test files`);
  // Spec output for people; a TAP copy on the side gives the totals for one plain closing line.
  const tap = join(mkdtempSync(join(tmpdir(), 'rudder-test-')), 'results.tap');
  const started = Date.now();
  // The line's bin directory first on PATH, so what the suites spawn (`node`, `npm start`) runs on it too.
  const PATH = line.binDir ? `${line.binDir}:${process.env.PATH}` : process.env.PATH;
  const child = spawn(
    line.node,
    [
      '--import',
      fileURLToPath(new URL('./ts-loader/register.mjs', import.meta.url)),
      '--test',
      // Three files at a time: most suites wait on sockets, child processes and browsers rather than the CPU,
      // so on 2 cores three in flight finish sooner than one at a time (each file still runs its tests in order).
      '--test-concurrency=3',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PATH, RUDDER_TEST: '1' } },
  );
  // Set before the runner forks its first test process (it loads first), which then inherits the priority.
  if (yielding && child.pid) setPriority(child.pid, 10);
  const status = await new Promise((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('close', (code) => resolve(code));
  });
  const totals = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(totals.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  let failed = count('fail') + count('cancelled');
  // A runner that died before reporting (a crash, a signal) fails the run as well.
  if (status !== 0 && failed === 0) failed = 1;
  return { label, passed: count('pass'), failed, seconds: (Date.now() - started) / 1000 };
}

// One Chromium for every run below (each file in its own contexts), instead of a launch per file.
const browser = await startTestBrowser(root, files);
Object.assign(process.env, browser.env);
const results = [];
if (lines) {
  await engine.catch(fail);
  for (const line of otherLines(root)) {
    const mine = line.subset ? files.filter(line.subset) : files;
    if (mine.length) results.push(await run(line, mine));
  }
} else if (engineReady) {
  results.push(await run(thisLine(), files));
} else {
  const early = files.filter((f) => runsWithoutStorage(root, f));
  // The compile is one process on one core; three test files beside it would stretch it by minutes, and
  // everything else waits for it.
  if (early.length) results.push(await run(thisLine(), early, { part: 'while the SQLite engine compiles', yielding: true }));
  await engine.catch(fail);
  const rest = files.filter((f) => !early.includes(f));
  if (rest.length) results.push(await run(thisLine(), rest, { part: 'the rest' }));
}
await browser.stop();
console.log('');
for (const r of results) console.log(`${r.label}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(0)} s)`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
