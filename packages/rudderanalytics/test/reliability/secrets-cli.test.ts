/**
 * The whole toolchain with a sentinel write key, as real processes: `rudder dev` (the data plane) and
 * the `rudder` commands that send, fail, and list. Their stdout and stderr never show the key, nor its
 * base64 form; only masked forms (last 4 characters) may appear.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const KEY = 'wk_SENTINEL_b7e2d41c';
const WRONG = `${KEY}_wrong`;
/** Whether `text` shows any of `keys` or their Basic-auth base64, in any letter case (a URL host is lowercased). */
function shows(text: string, keys: string[]): boolean {
  const lower = text.toLowerCase();
  return keys.some((key) => [key, Buffer.from(`${key}:`).toString('base64')].some((n) => lower.includes(n.toLowerCase())));
}
const BIN = fileURLToPath(new URL('../../../cli/bin/rudder.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rudder(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

test('rudder dev and the rudder commands never print the write key', async (t) => {
  assert.ok(existsSync(BIN), `no CLI at ${BIN}`);
  const dir = mkdtempSync(join(tmpdir(), 'rudder-secrets-'));
  const config = join(dir, 'sources.json');
  writeFileSync(config, JSON.stringify({ sources: [{ writeKey: KEY, name: 'sentinel' }], devWriteKey: false }));

  const dev = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--db', join(dir, 'events.db'), '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let devOut = '';
  let devErr = '';
  dev.stderr.on('data', (chunk) => (devErr += chunk));
  const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));
  t.after(() => {
    if (dev.exitCode === null) dev.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = await new Promise<string>((resolve, reject) => {
    dev.stdout.on('data', (chunk) => {
      devOut += chunk;
      const found = /http:\/\/127\.0\.0\.1:\d+/.exec(devOut);
      if (found) resolve(found[0]);
    });
    void exited.then((code) => reject(new Error(`rudder dev exited (${code}) before listening: ${devOut}${devErr}`)));
    setTimeout(() => reject(new Error(`rudder dev did not listen within 30 s: ${devOut}${devErr}`)), 30_000).unref();
  });

  const env = { RUDDER_WRITE_KEY: KEY, RUDDER_DATA_PLANE_URL: url };
  const runs: Record<string, Run> = {
    'track (key from the environment)': await rudder(['track', '--user-id', 'u1', '--event', 'Order Completed'], env),
    'identify (key as a flag)': await rudder([
      'identify',
      '--user-id',
      'u1',
      '--traits',
      '{"plan":"pro"}',
      '--write-key',
      KEY,
      '--data-plane-url',
      url,
    ]),
    'send JSONL with a bad line': await rudder(
      ['send', '-'],
      env,
      '{"type":"track","userId":"u1","event":"A"}\n{"type":"track","userId":"\\u200b","event":"B"}\n',
    ),
    'wrong key (401)': await rudder([
      'track',
      '--user-id',
      'u1',
      '--event',
      'E',
      '--write-key',
      WRONG,
      '--data-plane-url',
      url,
      '--max-attempts',
      '1',
    ]),
    'non-http URL (config error)': await rudder([
      'track',
      '--user-id',
      'u1',
      '--event',
      'E',
      '--write-key',
      KEY,
      '--data-plane-url',
      'ftp://127.0.0.1/',
    ]),
    'unreachable data plane': await rudder(['track', '--user-id', 'u1', '--event', 'E', '--max-attempts', '1', '--timeout', '200'], {
      ...env,
      RUDDER_DATA_PLANE_URL: 'http://127.0.0.1:9',
    }),
    'events --json': await rudder(['events', '--json', '--data-plane-url', url]),
  };
  dev.kill('SIGTERM');
  await exited;

  // The runs did what they should, so their output is worth searching.
  assert.equal(runs['track (key from the environment)'].code, 0, runs['track (key from the environment)'].stderr);
  assert.equal(runs['identify (key as a flag)'].code, 0, runs['identify (key as a flag)'].stderr);
  assert.notEqual(runs['wrong key (401)'].code, 0);
  assert.match(runs['wrong key (401)'].stderr, /401/);
  assert.notEqual(runs['non-http URL (config error)'].code, 0);
  assert.match(runs['events --json'].stdout, /Order Completed/);
  assert.match(devOut, /sentinel/);

  const outputs = [['rudder dev', devOut + devErr], ...Object.entries(runs).map(([name, r]) => [name, r.stdout + r.stderr])];
  const leaks = outputs.filter(([, text]) => shows(text, [KEY, WRONG])).map(([name, text]) => `${name}: ${text.slice(0, 400)}`);
  assert.deepEqual(leaks, []);
  t.diagnostic(`${outputs.length} processes, ${outputs.reduce((n, [, text]) => n + text.split('\n').length, 0)} output lines searched`);
});

test('a write key is masked in any letter case: as the host of the data plane URL, as a stray argument', async () => {
  const key = '2LxAbCdEfGh9KqZ7';
  const line = '{"type":"track","userId":"u1","event":"E"}\n';
  // A URL parser lowercases the host, which is how a key pasted there used to come back in the warning.
  for (const run of [
    await rudder(['send', '--dry-run', '-', '--write-key', key, '--data-plane-url', `http://${key}`], {}, line),
    await rudder(['send', '--dry-run', '-', '--data-plane-url', `http://${key.toUpperCase()}:8080/`], { RUDDER_WRITE_KEY: key }, line),
  ]) {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /plain http:\/\//, 'the warning was printed, so there was something to mask');
    assert.equal(shows(run.stdout + run.stderr, [key]), false, run.stderr);
  }
  // A usage error echoes the stray argument: the key in lower case is masked like the key itself.
  const stray = await rudder(['track', '--write-key', key, '--user-id', 'u1', '--event', 'E', key.toLowerCase()]);
  assert.equal(stray.code, 2, stray.stderr);
  assert.match(stray.stderr, /Unexpected argument '…KqZ7'/);
  assert.equal(shows(stray.stdout + stray.stderr, [key]), false, stray.stderr);
});
