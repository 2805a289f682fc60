// main(argv, io): each run prints to its own streams, reads its own env and masks only the secrets it
// registered itself, even while another run is in flight.
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../src/main.js';

function capture(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]), env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const SECRET = 'wk_io_test_4c1f8a';

test("a secret registered by one run is masked in that run's output only", async () => {
  const own = await run([`nope-${SECRET}`, '--write-key', SECRET]);
  assert.equal(own.code, 2);
  assert.doesNotMatch(own.stderr, new RegExp(SECRET));
  assert.match(own.stderr, /unknown command/);
  // A later run that never registered it prints the argument as given.
  const other = await run([`nope-${SECRET}`]);
  assert.match(other.stderr, new RegExp(`unknown command 'nope-${SECRET}'`));
  // Registered from the run's own env, not the process's.
  const fromEnv = await run([`nope-${SECRET}`], { RUDDER_WRITE_KEY: SECRET });
  assert.doesNotMatch(fromEnv.stderr, new RegExp(SECRET));
});

test('runs in flight together keep their output and their env apart', async () => {
  const [a, b] = await Promise.all([
    run(['events', '--json'], { RUDDER_DATA_PLANE_URL: 'not a url a' }),
    run(['events', '--json'], { RUDDER_DATA_PLANE_URL: 'http://127.0.0.1:1/b', RUDDER_READ_TOKEN: SECRET }),
  ]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--data-plane-url is not a valid URL/);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /127\.0\.0\.1:1/);
  assert.doesNotMatch(a.stderr + b.stderr, new RegExp(SECRET));
  assert.equal(a.stdout + b.stdout, '');
});
