#!/usr/bin/env node
// The data plane stores events with the runtime's built-in SQLite (node:sqlite from Node 22.13, bun:sqlite).
// Node 20 has none, so there it needs better-sqlite3, a native addon the lock file deliberately leaves out
// (installing it on Node 22+ would compile C++ for nothing). `npm start` calls this after the build, `npm test`
// beside it: on Node 20 it installs better-sqlite3 (not saved) when it is missing or built for another Node.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runNpm } from './run-npm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataplanePackage = new URL('../packages/dataplane/package.json', import.meta.url);

/** Whether this Node has node:sqlite without a flag (22.13+ and every later line). */
export function hasBuiltinSqlite(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
}

/** What, if anything, this Node needs before the data plane can store: 'none', 'install' or 'rebuild'. */
function need() {
  if (hasBuiltinSqlite()) return 'none';
  const require = createRequire(dataplanePackage);
  try {
    require.resolve('better-sqlite3');
  } catch {
    return 'install';
  }
  try {
    require('better-sqlite3');
    return 'none';
  } catch {
    return 'rebuild'; // built for another Node ABI
  }
}

/**
 * Makes the data plane's storage loadable on this Node (see the file comment). Asynchronous, so a caller
 * can build the packages meanwhile: the compile is minutes of C, the TypeScript build does not need it.
 */
export function ensureSqliteEngine() {
  const todo = need();
  if (todo === 'none') return Promise.resolve();
  const range = JSON.parse(readFileSync(dataplanePackage, 'utf8')).peerDependencies['better-sqlite3'];
  console.log(
    `# Node ${process.versions.node} has no built-in SQLite: ${todo === 'install' ? 'installing' : 'rebuilding'} better-sqlite3@${range} for the data plane`,
  );
  const args = todo === 'install' ? ['install', '--no-save', '--no-audit', '--no-fund', `better-sqlite3@${range}`] : ['rebuild', 'better-sqlite3'];
  return runNpm(args, { cwd: root });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureSqliteEngine();
