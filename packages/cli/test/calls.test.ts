import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { at, deadUrl, rudder, rudderProcess, SENTINEL, showsKey, startPlane, WRONG_KEY, type TestPlane } from './support/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dp: TestPlane;
before(async () => {
  dp = await startPlane();
});
after(() => dp.stop());

/** The stored event of the messageId a command printed. */
function stored(stdout: string) {
  const messageId = stdout.trim();
  assert.match(messageId, UUID, `stdout should be the messageId, got ${JSON.stringify(stdout)}`);
  const [event] = dp.events({ messageId });
  assert.ok(event, `the data plane should have stored ${messageId}`);
  return event;
}

const CASES: Array<{ type: string; flags: string[]; json: Record<string, unknown>; check: (p: Record<string, any>) => void }> = [
  {
    type: 'identify',
    flags: ['--user-id', 'u1', '--traits', '{"email":"a@example.com","plan":"pro"}'],
    json: { userId: 'u1', traits: { email: 'a@example.com', plan: 'pro' } },
    check: (p) => assert.deepEqual(p.traits, { email: 'a@example.com', plan: 'pro' }),
  },
  {
    type: 'track',
    flags: ['--user-id', 'u1', '--event', 'Order Completed', '--properties', '{"revenue":19.99}', '--context', '{"ip":"1.2.3.4"}'],
    json: { userId: 'u1', event: 'Order Completed', properties: { revenue: 19.99 }, context: { ip: '1.2.3.4' } },
    check: (p) => {
      assert.equal(p.event, 'Order Completed');
      assert.deepEqual(p.properties, { revenue: 19.99 });
      assert.equal(p.context.ip, '1.2.3.4');
      assert.equal(p.context.library.name, 'rudderanalytics');
    },
  },
  {
    type: 'page',
    flags: ['--anonymous-id', 'a1', '--name', 'Pricing', '--category', 'Docs', '--properties', '{"path":"/pricing"}'],
    json: { anonymousId: 'a1', name: 'Pricing', category: 'Docs', properties: { path: '/pricing' } },
    check: (p) => {
      assert.equal(p.anonymousId, 'a1');
      assert.equal(p.name, 'Pricing');
      assert.equal(p.category, 'Docs');
      assert.deepEqual(p.properties, { path: '/pricing' });
    },
  },
  {
    type: 'screen',
    flags: ['--user-id', 'u2', '--name', 'Home', '--integrations', '{"All":false,"Amplitude":true}'],
    json: { userId: 'u2', name: 'Home', integrations: { All: false, Amplitude: true } },
    check: (p) => {
      assert.equal(p.name, 'Home');
      assert.deepEqual(p.integrations, { All: false, Amplitude: true });
    },
  },
  {
    type: 'group',
    flags: ['--user-id', 'u1', '--group-id', 'acme', '--traits', '{"seats":12}'],
    json: { userId: 'u1', groupId: 'acme', traits: { seats: 12 } },
    check: (p) => {
      assert.equal(p.groupId, 'acme');
      assert.deepEqual(p.traits, { seats: 12 });
    },
  },
  {
    type: 'alias',
    flags: ['--user-id', 'u1', '--previous-id', 'anon-42', '--timestamp', '2024-05-06T07:08:09.010Z'],
    json: { userId: 'u1', previousId: 'anon-42', originalTimestamp: '2024-05-06T07:08:09.010Z' },
    check: (p) => {
      assert.equal(p.previousId, 'anon-42');
      assert.equal(p.originalTimestamp, '2024-05-06T07:08:09.010Z');
    },
  },
];

describe('one call from flags', () => {
  for (const c of CASES) {
    test(c.type, async () => {
      const run = await rudder([c.type, ...at(dp), ...c.flags]);
      assert.equal(run.code, 0, run.stderr);
      const event = stored(run.stdout);
      assert.equal(event.type, c.type);
      assert.equal(event.source, 'test', 'sent with the sentinel key');
      assert.equal(event.payload.channel, 'server');
      c.check(event.payload);
    });
  }

  test('--message-id is kept and printed', async () => {
    const run = await rudder(['track', ...at(dp), '--user-id', 'u9', '--event', 'E', '--message-id', 'my-own-id-1']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'my-own-id-1\n');
    assert.equal(dp.events({ messageId: 'my-own-id-1' })[0]?.type, 'track');
  });
});

describe('one call from stdin', () => {
  for (const c of CASES) {
    test(c.type, async () => {
      const run = await rudder([c.type, ...at(dp)], { stdin: JSON.stringify(c.json) });
      assert.equal(run.code, 0, run.stderr);
      const event = stored(run.stdout);
      assert.equal(event.type, c.type);
      c.check(event.payload);
    });
  }

  test('a matching "type" is accepted, another one is refused', async () => {
    const ok = await rudder(['track', ...at(dp)], { stdin: '{"type":"track","userId":"u1","event":"E"}' });
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await rudder(['track', ...at(dp)], { stdin: '{"type":"page","userId":"u1","name":"P"}' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /type: is "page" but the command is track/);
  });

  test('stdin that is not one JSON object is invalid input (exit 1)', async () => {
    const notJson = await rudder(['track', ...at(dp)], { stdin: '{"userId":' });
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /stdin: is not valid JSON/);
    const array = await rudder(['track', ...at(dp)], { stdin: '[{"userId":"u1","event":"E"}]' });
    assert.equal(array.code, 1);
    assert.match(array.stderr, /must be one JSON object/);
  });

  test('no flags and empty stdin is a usage error (exit 2)', async () => {
    // Through the real bin: an empty pipe for stdin, the exit code the shell sees.
    const run = await rudderProcess(['track', ...at(dp)], { stdin: '' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no call given/);
  });
});

describe('invalid calls', () => {
  test('the SDK rule (strict mode: a call typed by hand) is printed with the field, exit 1, nothing stored', async () => {
    const before = dp.count();
    const noEvent = await rudder(['track', ...at(dp), '--user-id', 'u1']);
    assert.equal(noEvent.code, 1);
    assert.match(noEvent.stderr, /event: is required on track/);
    assert.equal(noEvent.stdout, '');

    const noId = await rudder(['track', ...at(dp), '--event', 'E', '--properties', '{"a":1}']);
    assert.equal(noId.code, 1);
    assert.match(noId.stderr, /userId: a userId or an anonymousId is required/);

    const aliasNoPrevious = await rudder(['alias', ...at(dp), '--user-id', 'u1']);
    assert.equal(aliasNoPrevious.code, 1);
    assert.match(aliasNoPrevious.stderr, /previousId: is required on alias/);

    const badTimestamp = await rudder(['track', ...at(dp), '--user-id', 'u1', '--event', 'E', '--timestamp', 'yesterday']);
    assert.equal(badTimestamp.code, 1);
    assert.match(badTimestamp.stderr, /originalTimestamp: is not a Date, an ISO 8601 string or epoch milliseconds.*strict mode/);
    assert.equal(dp.count(), before);
  });

  test('a JSON flag that does not parse names the flag (exit 1)', async () => {
    const run = await rudder(['track', ...at(dp), '--user-id', 'u1', '--event', 'E', '--properties', '{revenue:1}']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /properties: must be a JSON object/);
    const notObject = await rudder(['track', ...at(dp), '--user-id', 'u1', '--event', 'E', '--properties', '[1]']);
    assert.equal(notObject.code, 1);
    assert.match(notObject.stderr, /properties: is not an object.*strict mode/);
  });
});

describe('usage errors exit 2', () => {
  for (const [name, args] of [
    ['unknown flag', ['track', '--user-id', 'u1', '--event', 'E', '--bogus']],
    ['flag without its value', ['track', '--user-id']],
    ['non-numeric --batch-size', ['track', '--user-id', 'u1', '--event', 'E', '--batch-size', 'many']],
    ['unknown command', ['trak', '--user-id', 'u1']],
    ['no command', []],
    ['bad --data-plane-url', ['track', '--user-id', 'u1', '--event', 'E', '--data-plane-url', 'ftp://x']],
  ] as const) {
    test(name, async () => {
      const run = await rudder([...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /error|Usage/);
    });
  }

  test('--help prints usage with examples, exit 0', async () => {
    for (const command of ['identify', 'track', 'page', 'screen', 'group', 'alias', 'send', 'dev', 'events']) {
      const run = await rudder([command, '--help']);
      assert.equal(run.code, 0, command);
      assert.match(run.stdout, new RegExp(`Usage: rudder ${command}`));
      assert.match(run.stdout, /Examples:/);
    }
  });
});

describe('configuration and delivery failures', () => {
  test('env RUDDER_WRITE_KEY / RUDDER_DATA_PLANE_URL are used when no flag is given', async () => {
    const run = await rudder(['track', '--user-id', 'env-user', '--event', 'E'], {
      env: { RUDDER_WRITE_KEY: SENTINEL, RUDDER_DATA_PLANE_URL: dp.url },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(stored(run.stdout).source, 'test');
  });

  test('flags win over the environment', async () => {
    const run = await rudder(['track', '--user-id', 'u1', '--event', 'E', '--write-key', SENTINEL], {
      env: { RUDDER_WRITE_KEY: WRONG_KEY, RUDDER_DATA_PLANE_URL: dp.url },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(stored(run.stdout).source, 'test');
  });

  test('with no key anywhere, the local dev key is used', async () => {
    const run = await rudder(['track', '--user-id', 'u1', '--event', 'E'], { env: { RUDDER_DATA_PLANE_URL: dp.url } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(stored(run.stdout).source, 'dev');
  });

  test('a wrong key: 401 with the status, exit 1, and the key masked', async () => {
    const run = await rudder(['track', ...at(dp, WRONG_KEY), '--user-id', 'u1', '--event', 'E']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /HTTP 401/);
    assert.match(run.stderr, /write key …4e2b/);
    assert.ok(!run.stderr.includes(WRONG_KEY));
  });

  test('a wrong key from the environment is not printed either', async () => {
    const run = await rudder(['identify', '--user-id', 'u1'], { env: { RUDDER_WRITE_KEY: WRONG_KEY, RUDDER_DATA_PLANE_URL: dp.url } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 401/);
    assert.match(run.stderr, /\$RUDDER_WRITE_KEY/);
  });

  test('an unreachable data plane: exit 1 with the cause and a hint', async () => {
    const run = await rudder([
      'track',
      '--data-plane-url',
      await deadUrl(),
      '--write-key',
      SENTINEL,
      '--max-attempts',
      '1',
      '--user-id',
      'u1',
      '--event',
      'E',
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /not delivered \(retries_exhausted\) after 1 attempt/);
    assert.match(run.stderr, /ECONNREFUSED/);
  });

  test('--no-gzip and --batch-size are accepted and the call is delivered', async () => {
    const run = await rudder(['track', ...at(dp), '--no-gzip', '--batch-size', '1', '--user-id', 'plain-user', '--event', 'E']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(stored(run.stdout).userId, 'plain-user');
  });

  test('--timeout: a data plane that never answers is given up after that deadline', async () => {
    // Accepts connections and reads, never answers: only the request deadline ends the call.
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const run = await rudder([
        'track',
        '--data-plane-url',
        `http://127.0.0.1:${port}`,
        '--write-key',
        SENTINEL,
        '--timeout',
        '300',
        '--max-attempts',
        '1',
        '--user-id',
        'u1',
        '--event',
        'E',
      ]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /no complete response within 300 ms/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a key given as a stray argument is masked in the usage error', async () => {
    const run = await rudder(['track', '--write-key', SENTINEL, SENTINEL]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unexpected argument '…3a9c'/);
  });
});

test('the installed command: node_modules/.bin/rudder links the launcher, which runs the built CLI', async () => {
  const launcher = fileURLToPath(new URL('../bin/rudder.js', import.meta.url));
  const linked = fileURLToPath(new URL('../../../node_modules/.bin/rudder', import.meta.url));
  assert.equal(realpathSync(linked), realpathSync(launcher), 'run npm install at the root to link the bin');
  // Run as `npx rudder` would: the link itself, through its shebang.
  const { stdout, stderr } = await promisify(execFile)(
    linked,
    ['track', '--data-plane-url', dp.url, '--write-key', SENTINEL, '--user-id', 'npx-user', '--event', 'E'],
    { env: { PATH: process.env.PATH } },
  );
  assert.equal(showsKey(stdout + stderr), false, 'the write key was printed');
  assert.equal(stored(stdout).userId, 'npx-user');
});
