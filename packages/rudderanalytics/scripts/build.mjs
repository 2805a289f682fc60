// Builds the package twice from one source tree: ESM (dist/esm) and CommonJS (dist/cjs).
// A package.json in each output folder tells Node (and bundlers) how to read the .js files there.
// The output is written to a fresh folder and swapped in, so a build never leaves a half-written dist
// for a process (or a second build) running at the same time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const staging = `${here}.dist-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
// The core must run on every runtime: check it without Node's types before emitting anything.
execFileSync(process.execPath, [tsc, '-p', `${here}tsconfig.core.json`], { stdio: 'inherit' });
for (const [config, dir, type] of [
  ['tsconfig.json', 'esm', 'module'],
  ['tsconfig.cjs.json', 'cjs', 'commonjs'],
]) {
  execFileSync(process.execPath, [tsc, '-p', `${here}${config}`, '--outDir', `${staging}/${dir}`], { stdio: 'inherit' });
  mkdirSync(`${staging}/${dir}`, { recursive: true });
  writeFileSync(`${staging}/${dir}/package.json`, JSON.stringify({ type }) + '\n');
}
const old = `${here}.dist-old-${process.pid}`;
try {
  renameSync(`${here}dist`, old);
} catch {
  // no previous build
}
renameSync(staging, `${here}dist`);
rmSync(old, { recursive: true, force: true });
