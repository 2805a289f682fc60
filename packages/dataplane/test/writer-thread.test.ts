// The built data plane's writer thread runs without what the process preloads (`--import`, `--require`):
// a preload that records each thread it loads in must see the main thread only. Node's other flags are
// kept, and a process-wide flag, which a worker refuses when given explicitly, does not stop the writer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withoutPreloads } from '../src/writer-client.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rudder-writer-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Prints, from every thread it is loaded in, whether that is the main thread.
const preload = join(dir, 'preload.mjs');
writeFileSync(preload, "import { isMainThread } from 'node:worker_threads';\nconsole.log(`preload in ${isMainThread ? 'main' : 'worker'}`);\n");

// Starts the built data plane, stores one event (the writer thread commits it before the answer), stops.
const script = join(dir, 'start.mjs');
writeFileSync(
  script,
  `import { startDataPlane } from ${JSON.stringify(DIST)};
const dp = await startDataPlane({ port: 0, dbPath: ${JSON.stringify(join(dir, 'events.db'))}, quiet: true, writeKeys: [{ writeKey: 'wk_thread', name: 't' }] });
const body = JSON.stringify({ type: 'track', event: 'E', userId: 'u', messageId: 'm1' });
const res = await fetch(dp.url + '/v1/track', { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Basic ' + btoa('wk_thread:') } });
console.log('stored', res.status);
await dp.close();
`,
);

function run(flags: string[]): string[] {
  const result = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n');
}

test('the writer thread does not load the process’s --import', () => {
  assert.deepEqual(run(['--import', preload]), ['preload in main', 'stored 200']);
});

test('with a process-wide flag as well, the writer still starts (inheriting the preload, as a worker does)', () => {
  assert.deepEqual(run(['--title=rudder-writer-test', `--import=${preload}`]), ['preload in main', 'preload in worker', 'stored 200']);
});

test('withoutPreloads drops each preload flag and its value, in both spellings, and keeps the rest', () => {
  const kept = ['--max-old-space-size=200', '--enable-source-maps', '--stack-trace-limit=50'];
  const argv = ['--import', 'a.mjs', kept[0], '--import=b.mjs', '-r', 'c.cjs', kept[1], '--require=d.cjs', '--loader', 'e.mjs'];
  assert.deepEqual(withoutPreloads([...argv, '--experimental-loader=f.mjs', kept[2]]), kept);
  assert.deepEqual(withoutPreloads(kept), kept);
});
