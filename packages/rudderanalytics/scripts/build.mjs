// Builds the package twice from one source tree: ESM (dist/esm) and CommonJS (dist/cjs).
// A package.json in each output folder tells Node (and bundlers) how to read the .js files there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(`${here}dist`, { recursive: true, force: true });
// The core must run on every runtime: check it without Node's types before emitting anything.
execFileSync(process.execPath, [tsc, '-p', `${here}tsconfig.core.json`], { stdio: 'inherit' });
for (const [config, dir, type] of [
  ['tsconfig.json', 'esm', 'module'],
  ['tsconfig.cjs.json', 'cjs', 'commonjs'],
]) {
  execFileSync(process.execPath, [tsc, '-p', `${here}${config}`], { stdio: 'inherit' });
  mkdirSync(`${here}dist/${dir}`, { recursive: true });
  writeFileSync(`${here}dist/${dir}/package.json`, JSON.stringify({ type }) + '\n');
}
