/**
 * Issue 16: the data plane and the CLI as a user installs them (the packed tarballs, offline, on an empty npm cache),
 * on Node, Bun and Deno. Installing compiles nothing (no native addon); then, on each runtime,
 * `rudder dev` serves on the runtime's built-in SQLite, `rudder track` delivers to it and
 * `rudder events` reads the event back. Node before 22.13 has no built-in SQLite: there `rudder dev`
 * must refuse clearly, naming what to install.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { installPacked } from './support/offline-install.js';
import { devBinary, requireBuild, ROOT } from './support/subprocess.js';

const run = promisify(execFile);
const PACKAGES = ['rudderanalytics', 'dataplane', 'cli', 'tracking-plan'];
const [major, minor] = process.versions.node.split('.').map(Number);
const NODE_HAS_SQLITE = major > 22 || (major === 22 && minor >= 13);

let dir: string;
let scratch: string;
let rudder: string;

before(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'rudder-dp-runtimes-'));
  scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
  // Offline, on an empty npm cache: the packages' own dependencies (ajv, uPlot) are packed from the workspace
  // too (support/offline-install.ts); an optional peer is not installed.
  await installPacked(
    PACKAGES.map((name) => join(ROOT, 'packages', name)),
    dir,
    scratch,
  );
  rudder = join(scratch, 'node_modules/@rudderanalytics/cli/bin/rudder.js');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root` whose name passes `wanted`, as paths relative to `root`. */
function findFiles(root: string, wanted: (name: string) => boolean, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(root, wanted, path));
    else if (wanted(entry.name)) out.push(path);
  }
  return out;
}

test(`installing the data plane and the CLI compiles nothing (npm on Node ${process.versions.node})`, () => {
  const installed = readdirSync(join(scratch, 'node_modules'));
  assert.ok(!installed.includes('better-sqlite3'), 'better-sqlite3 was installed');
  // What a native build leaves (a .node addon) or starts from (binding.gyp): neither may be there.
  assert.deepEqual(
    findFiles(join(scratch, 'node_modules'), (n) => n.endsWith('.node') || n === 'binding.gyp'),
    [],
  );
});

const RUNTIMES = {
  node: { command: () => process.execPath, args: [], engine: 'node:sqlite' },
  bun: { command: () => devBinary('bun'), args: [], engine: 'bun:sqlite' },
  // What `deno run -A npm:@rudderanalytics/cli dev` runs, from the installed package.
  deno: { command: () => devBinary('deno'), args: ['run', '--allow-all'], engine: 'node:sqlite' },
} as const;

type Runtime = keyof typeof RUNTIMES;

function cli(runtime: Runtime, args: string[]) {
  const r = RUNTIMES[runtime];
  return run(r.command(), [...r.args, rudder, ...args], {
    cwd: scratch,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    timeout: 60_000,
  });
}

/** Starts `rudder dev` on a runtime; resolves with its URL once it serves, or with its output if it exits first. */
function startDev(runtime: Runtime, dbPath: string) {
  const r = RUNTIMES[runtime];
  const child = spawn(r.command(), [...r.args, rudder, 'dev', '--port', '0', '--db', dbPath], {
    cwd: scratch,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ url?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rudder dev on ${runtime} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve({ url });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve({});
    });
  });
  return { child, ready, exited, output: () => output };
}

for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
  const refuses = runtime === 'node' && !NODE_HAS_SQLITE;
  const title = refuses
    ? `node ${process.versions.node}: rudder dev refuses clearly (no built-in SQLite, better-sqlite3 not installed)`
    : `${runtime}: rudder dev serves on ${RUNTIMES[runtime].engine}, rudder track delivers, rudder events reads it back`;
  test(title, { timeout: 180_000 }, async (t) => {
    const dev = startDev(runtime, join(dir, `${runtime}.db`));
    t.after(() => {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
    });
    const { url } = await dev.ready;
    if (refuses) {
      assert.equal(url, undefined, 'rudder dev started without SQLite');
      assert.notEqual(await dev.exited, 0);
      assert.match(dev.output(), /has no built-in SQLite.*better-sqlite3/);
      return;
    }
    assert.ok(url, `rudder dev on ${runtime} exited:\n${dev.output()}`);
    assert.match(dev.output(), new RegExp(`database: .*\\(${RUNTIMES[runtime].engine}\\)`));

    const userId = `user-on-${runtime}`;
    const sent = await cli(runtime, ['track', '--user-id', userId, '--event', 'Runtime Checked', '--data-plane-url', url]);
    const messageId = sent.stdout.trim();
    assert.ok(messageId, `rudder track printed no messageId: ${sent.stderr}`);

    const listed = await cli(runtime, ['events', '--json', '--user-id', userId, '--data-plane-url', url]);
    const events = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(events.length, 1, listed.stdout);
    assert.equal(events[0].messageId, messageId);
    assert.equal(events[0].event, 'Runtime Checked');
    assert.equal(events[0].payload.context.library.name, 'rudderanalytics');

    dev.child.kill('SIGINT');
    assert.equal(await dev.exited, 0, dev.output());
    assert.match(dev.output(), /stopped\./);
  });
}
