#!/usr/bin/env node
// `npm run build`: every package's own build, skipped when nothing a build reads has changed since the
// last one that succeeded (its dist folders are then what a build would write again). Deliberately coarse:
// a change in any package's sources or configs, or in the lock file, builds them all, since a package's
// types come from the others' builds. `npm start` and `npm test` run this, so the second of two runs in a
// row does not build again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Written after a build that succeeded, dated when that build started. */
const STAMP = join(root, 'node_modules', '.cache', 'rudder-build', 'built');

/** The newest modification time at or under `path`; folders count too (removing a file changes its folder's). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** The workspace packages that have a build, as folders. */
function builtPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((pkg) => existsSync(join(pkg, 'package.json')) && JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).scripts?.build);
}

const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The build script that is only TypeScript's compiler on the package's own config. */
const PLAIN_TSC = 'tsc -p tsconfig.json';

/**
 * The builds in the workspaces' order, dependencies first. A run of packages whose build is just
 * `tsc -p tsconfig.json` is one `tsc --build` of their configs: one process that reads TypeScript's
 * libraries and Node's types once for all of them (3.5 s of CPU less than a process each, of 31 s). The others
 * run their own build script.
 */
function buildSteps() {
  const order = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.filter((w) => w.startsWith('packages/'));
  const steps = [];
  for (const workspace of order) {
    const script = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')).scripts?.build;
    if (!script) continue;
    const last = steps.at(-1);
    if (script !== PLAIN_TSC) steps.push({ workspace });
    else if (last?.tsc) last.tsc.push(join(workspace, 'tsconfig.json'));
    else steps.push({ tsc: [join(workspace, 'tsconfig.json')] });
  }
  return steps;
}

/**
 * Everything a build reads that can change: sources, build scripts and configs, and the dependencies
 * (as locked: `npm test` installs better-sqlite3 beside the build on Node 20, unsaved, which no build reads).
 */
function inputs(packages) {
  const own = packages.flatMap((pkg) => [
    join(pkg, 'src'),
    join(pkg, 'scripts'),
    join(pkg, 'package.json'),
    ...readdirSync(pkg)
      .filter((name) => /^tsconfig.*\.json$/.test(name))
      .map((name) => join(pkg, name)),
  ]);
  const shared = ['tsconfig.base.json', 'package.json', 'package-lock.json', 'scripts/build.mjs'].map((p) => join(root, p));
  return [...own, ...shared];
}

const packages = builtPackages();
const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const fresh = built > 0 && packages.every((pkg) => existsSync(join(pkg, 'dist'))) && inputs(packages).every((p) => newestMtime(p) < built);

if (!fresh) {
  // Dated at the start: a file saved while the build runs is newer than the stamp, so the next run builds again.
  const started = new Date();
  rmSync(STAMP, { force: true });
  for (const step of buildSteps()) {
    if (step.tsc) execFileSync(process.execPath, [TSC, '--build', '--force', ...step.tsc], { cwd: root, stdio: 'inherit' });
    else execFileSync('npm', ['run', 'build', '--workspace', step.workspace], { cwd: root, stdio: 'inherit' });
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, '');
  utimesSync(STAMP, started, started);
}
