// The repository's TypeScript loader (scripts/ts-loader), which every suite runs under: what the sources
// rely on (`./x.js` naming `./x.ts`, JSON import attributes, workers on .ts files), stack traces naming .ts
// lines, a clear refusal of what it does not handle, and a cache that never serves a stale file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { cachedTransform } from '../scripts/ts-loader/transform.mjs';
import { WITH_TS_LOADER } from './support/ts-loader.js';

const scratch = mkdtempSync(join(tmpdir(), 'ts-loader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `files` (relative path → text) under a fresh folder of the scratch directory; returns the folder. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const run = (file: string) => promisify(execFile)(process.execPath, [...WITH_TS_LOADER, file], { timeout: 30_000 });

/** main.ts of the ES module project: each line a feature the sources use. */
const MAIN = [
  "import { Worker } from 'node:worker_threads';",
  "import data from './data.json' with { type: 'json' };",
  "import { greet } from './greet.js';",
  'interface Report { greeting: string; answer: number; worker: unknown; stack: string | undefined }',
  "const worker = new Worker(new URL('./worker.ts', import.meta.url));",
  "const fromWorker = await new Promise((resolve) => worker.once('message', resolve));",
  'await worker.terminate();',
  "const report: Report = { greeting: greet('main'), answer: data.answer, worker: fromWorker, stack: new Error('here').stack };",
  'console.log(JSON.stringify(report));',
];

test('ES module TypeScript runs as is: ./x.js finds x.ts, JSON import attributes hold, a worker on a .ts file works, stack traces name .ts lines', async () => {
  const dir = project('esm', {
    'package.json': '{ "type": "module" }',
    'data.json': '{ "answer": 42 }',
    'greet.ts': 'export const greet = (name: string): string => `hello ${name}`;\n',
    'worker.ts':
      "import { parentPort } from 'node:worker_threads';\nimport { greet } from './greet.js';\nparentPort!.postMessage(greet('worker'));\n",
    'main.ts': MAIN.join('\n'),
  });
  const { stdout, stderr } = await run(join(dir, 'main.ts'));
  const report = JSON.parse(stdout) as { greeting: string; answer: number; worker: string; stack: string };
  assert.equal(report.greeting, 'hello main');
  assert.equal(report.answer, 42);
  assert.equal(report.worker, 'hello worker');
  // Where `new Error` stands in main.ts (1-based), not in the JavaScript it became: the type annotation is gone there.
  const line = MAIN.findIndex((l) => l.includes('new Error')) + 1;
  const column = MAIN[line - 1]!.indexOf('new Error') + 1;
  assert.ok(report.stack.includes(`${join(dir, 'main.ts')}:${line}:${column}`), report.stack);
  assert.equal(stderr, '', 'no warning on this Node line');
});

test('a .ts file outside a "type": "module" package is refused with its path and the rule', async () => {
  const dir = project('commonjs', { 'package.json': '{}', 'main.ts': 'export const x: number = 1;\n' });
  await assert.rejects(run(join(dir, 'main.ts')), (error: { code: number; stderr: string }) => {
    assert.notEqual(error.code, 0);
    assert.match(error.stderr, new RegExp(`${join(dir, 'main.ts')}: the nearest package.json does not say "type": "module"`));
    return true;
  });
});

test('the cache keeps one entry per file, serves it while the source is unchanged and replaces it when the source changes', () => {
  const dir = join(scratch, 'cache');
  const compile = cachedTransform(dir);
  const file = join(scratch, 'cached.ts');
  assert.match(compile(file, 'export const x: number = 1;\n'), /const x = 1;/);
  const entries = readdirSync(dir);
  assert.equal(entries.length, 1);
  // An entry that no longer matches esbuild's output proves the second call read the cache, not esbuild.
  const entry = join(dir, entries[0]!);
  writeFileSync(entry, readFileSync(entry, 'utf8').replace('const x = 1;', 'const x = "from the cache";'));
  assert.match(compile(file, 'export const x: number = 1;\n'), /"from the cache"/);
  assert.match(compile(file, 'export const x: number = 2;\n'), /const x = 2;/);
  assert.deepEqual(readdirSync(dir), entries);
});
