/**
 * The README's first command, run as a user runs it: `npm start` starts the local data plane, delivers
 * sample events of every type through the SDK and says where to see them, then serves until Ctrl-C.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

test('npm start delivers sample events of every type and serves them until Ctrl-C', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, RUDDER_PORT: '0', RUDDER_DB: join(dir, 'events.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so Ctrl-C reaches npm and node alike
  });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Serving until Ctrl-C.')) resolve();
      });
      void exited.then(({ code }) => reject(new Error(`npm start exited (${code}) before serving:\n${output}`)));
    });
    assert.match(output, /Delivered 7 sample events through the SDK \(failed: 0\)/);
    const live = output.match(/See them live:\s+(http:\/\/127\.0\.0\.1:\d+\/live)/);
    assert.ok(live, output);
    const base = live[1].replace(/\/live$/, '');
    const page = await fetch(live[1]);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    await page.body?.cancel();
    const events = (await (await fetch(`${base}/api/events`)).json()) as unknown;
    const list = (Array.isArray(events) ? events : (events as { events: { type: string }[] }).events) as { type: string }[];
    assert.deepEqual([...new Set(list.map((e) => e.type))].sort(), ['alias', 'group', 'identify', 'page', 'screen', 'track']);
    process.kill(-child.pid!, 'SIGINT');
    // npm itself ends by the signal, as it does on a terminal; the data plane under it must stop serving.
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}`);
    // The node process under npm is not ours to await: poll, with a deadline, until the port is closed.
    const deadline = Date.now() + 10_000;
    let serving = true;
    while (serving && Date.now() < deadline) {
      serving = await fetch(`${base}/health`).then(
        async (r) => (await r.body?.cancel(), true),
        () => false,
      );
      if (serving) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(serving, false, 'the data plane still answers 10 s after Ctrl-C');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // whatever is left of the group
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm start with a RUDDER_PORT that is not a port says so and exits 2 (no ERR_SOCKET_BAD_PORT)', async () => {
  // What `npm start` runs once the build is done; the build itself is covered above.
  const run = promisify(execFile);
  for (const port of ['abc', '65536']) {
    const failed = await run(process.execPath, [join(root, 'scripts/quickstart.mjs')], {
      cwd: root,
      env: { ...process.env, RUDDER_PORT: port, RUDDER_DB: ':memory:' },
      timeout: 30_000,
    }).then(
      () => assert.fail('it started'),
      (error: { code?: number; stderr?: string }) => error,
    );
    assert.equal(failed.code, 2, failed.stderr);
    assert.equal(failed.stderr?.trim(), 'error: RUDDER_PORT must be an integer from 0 to 65535');
  }
});
