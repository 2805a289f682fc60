// The contract suite (contract.test.ts) on every storage engine, each in the runtime that has it:
// node:sqlite on Node >= 22.13 and on Deno, bun:sqlite on Bun, better-sqlite3 where it is installed and
// built for this Node (the Node 20 fallback). Each must pass every contract test, the same tests.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WITH_TS_LOADER } from '../../../test/support/ts-loader.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const root = join(packageDir, '..', '..');
const CONTRACT = 'test/contract.test.ts';

/** The Node binaries at hand: this one first, then the pinned ones `npm run test:lines` installs (scripts/node-lines). */
function nodeBinaries(): string[] {
  const lines = join(root, 'scripts', 'node-lines');
  const lock = JSON.parse(readFileSync(join(lines, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const pinned = Object.keys(lock.packages)
    .filter((p) => p.startsWith('node_modules/'))
    .map((p) => join(lines, p, 'bin', 'node'))
    .filter((bin) => existsSync(bin));
  return [process.execPath, ...pinned];
}

/** Whether `node` can open a database with an engine (in a child process, so nothing stays loaded here). */
const canOpen = (node: string, open: string) => spawnSync(node, ['--no-warnings', '-e', open], { cwd: packageDir, stdio: 'ignore' }).status === 0;
// better-sqlite3 loads its addon at the first open, so requiring it proves nothing.
const OPEN_NODE_SQLITE = "new (require('node:sqlite').DatabaseSync)(':memory:')";
const OPEN_BETTER_SQLITE3 = "new (require('better-sqlite3'))(':memory:')";

const devBinary = (name: string) => join(root, 'node_modules', '.bin', name);

interface Run {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Passed and failed test counts from the runner's own summary. */
  totals(output: string): { passed: number; failed: number } | undefined;
}

const nodeRun = (node: string, engine: string): Run => ({
  command: node,
  args: [...WITH_TS_LOADER, '--test', '--test-reporter=tap', CONTRACT],
  env: { RUDDER_DATAPLANE_ENGINE: engine },
  totals(out) {
    const n = (name: string) => out.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1];
    const pass = n('pass');
    return pass === undefined ? undefined : { passed: Number(pass), failed: Number(n('fail')) + Number(n('cancelled')) };
  },
});

/** Each engine with a runtime that has it, or the reason it cannot run here. */
function plans(): Array<{ name: string; run?: Run; missing?: string }> {
  const nodes = nodeBinaries();
  const withSqlite = nodes.find((n) => canOpen(n, OPEN_NODE_SQLITE));
  const withBetter = nodes.find((n) => canOpen(n, OPEN_BETTER_SQLITE3));
  return [
    withSqlite
      ? { name: 'node:sqlite on Node', run: nodeRun(withSqlite, 'node:sqlite') }
      : { name: 'node:sqlite on Node', missing: 'no Node >= 22.13 here (`npm run test:lines` installs the pinned ones and runs this there)' },
    withBetter
      ? { name: 'better-sqlite3 on Node', run: nodeRun(withBetter, 'better-sqlite3') }
      : { name: 'better-sqlite3 on Node', missing: 'better-sqlite3 is not installed for any Node here (only Node 20 needs it)' },
    {
      name: 'bun:sqlite on Bun',
      run: {
        command: devBinary('bun'),
        args: ['test', `./${CONTRACT}`],
        env: { RUDDER_DATAPLANE_ENGINE: 'bun:sqlite' },
        totals(out) {
          const pass = out.match(/^\s*(\d+) pass$/m)?.[1];
          return pass === undefined ? undefined : { passed: Number(pass), failed: Number(out.match(/^\s*(\d+) fail$/m)?.[1]) };
        },
      },
    },
    {
      name: 'node:sqlite on Deno',
      run: {
        command: devBinary('deno'),
        // The suite is type-checked by tsc; Deno's own checker wants .ts import specifiers.
        args: ['test', '--allow-all', '--no-check', '--sloppy-imports', CONTRACT],
        env: { NO_COLOR: '1', RUDDER_DATAPLANE_ENGINE: 'node:sqlite' },
        totals(out) {
          const m = out.match(/\| \d+ passed \((\d+) steps\) \| (\d+) failed/);
          return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
        },
      },
    },
  ];
}

function runSuite(run: Run): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Without NODE_TEST_CONTEXT: the child is a test run of its own, not a part of this one.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(run.command, run.args, { cwd: packageDir, env: { ...env, ...run.env } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

// Set by the first engine that runs; every other must pass exactly as many contract tests.
let expected: number | undefined;

for (const plan of plans()) {
  test(`the contract suite passes on ${plan.name}`, { timeout: 180_000 }, async (t) => {
    if (!plan.run) return t.skip(plan.missing);
    const { code, output } = await runSuite(plan.run);
    const totals = plan.run.totals(output);
    assert.ok(totals, `no test summary from ${plan.name}:\n${output.slice(-3000)}`);
    assert.equal(totals.failed, 0, output.slice(-6000));
    assert.equal(code, 0, output.slice(-3000));
    assert.ok(totals.passed > 0, 'no contract test ran');
    expected ??= totals.passed;
    assert.equal(totals.passed, expected, 'every engine runs the same contract tests');
  });
}
