#!/usr/bin/env node
// The one test command (`npm test`): installs the system packages the suites need when missing,
// builds every package, then runs every test file with Node's own test runner.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** System packages some suites drive for real: binary to look for → Debian package that provides it. */
const SYSTEM_PACKAGES = [
  { bin: 'redis-server', pkg: 'redis-server', path: ['/usr/bin/redis-server'] },
  { bin: 'chromium', pkg: 'chromium', path: ['/usr/bin/chromium'] },
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

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (/\.test\.(ts|mts|mjs|js)$/.test(name)) out.push(full);
  }
  return out;
}

ensureSystemPackages();
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

const filter = process.argv.slice(2);
let files = [...findTests(join(root, 'packages')), ...findTests(join(root, 'test'))]
  .map((f) => relative(root, f))
  .sort();
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Spec output for people; a TAP copy on the side gives the totals for one plain closing line.
const tap = join(mkdtempSync(join(tmpdir(), 'rudder-test-')), 'results.tap');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RUDDER_TEST: '1' } },
);
const totals = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (name) => Number(totals.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
console.log(`\ntests: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed`);
process.exit(result.status ?? 1);
