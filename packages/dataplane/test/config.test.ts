// Sources from the JSON config file, the dev key, what gets logged, and the flag parser `rudder dev` and `npm start` use.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataPlaneArgsError, DEV_WRITE_KEY, parseDataPlaneArgs, startDataPlane } from '../src/index.js';
import { post, tempDir, track } from './support/helpers.js';

const tmp = tempDir();
after(() => tmp.remove());

test('sources come from the config file; disabled ones answer 404; nothing logs a configured key', async () => {
  const configFile = join(tmp.dir, 'dataplane.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      sources: [
        { name: 'backend', writeKey: 'backend_secret_0001' },
        { name: 'legacy', writeKey: 'legacy_secret_0002', disabled: true },
      ],
    }),
  );
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  const dp = await startDataPlane({
    port: 0,
    dbPath: join(tmp.dir, 'a.db'),
    configFile,
    logger: { info: log, warn: log, error: log },
  });
  try {
    assert.equal(dp.writeKey, DEV_WRITE_KEY);
    assert.deepEqual(dp.sources, [
      { name: 'dev', disabled: false },
      { name: 'backend', disabled: false },
      { name: 'legacy', disabled: true },
    ]);
    assert.equal((await post(dp, '/v1/track', track(), { key: 'backend_secret_0001' })).status, 200);
    assert.equal((await post(dp, '/v1/track', track(), { key: 'legacy_secret_0002' })).status, 404);
    assert.equal((await post(dp, '/v1/track', track(), { key: 'unknown_secret_0003' })).status, 401);
    assert.equal((await post(dp, '/v1/track', track(), { key: DEV_WRITE_KEY })).status, 200);
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((e) => e.source),
      ['backend', 'dev'],
    );
  } finally {
    await dp.close();
  }
  const text = lines.join('\n');
  for (const secret of ['backend_secret_0001', 'legacy_secret_0002', 'unknown_secret_0003']) {
    assert.ok(!text.includes(secret), `${secret} leaked into the log`);
  }
  assert.ok(text.includes('source backend: write key …0001'), 'configured keys are shown masked');
  // The dev key is printed exactly once, in the startup banner.
  assert.equal(text.split(DEV_WRITE_KEY).length - 1, 1);
  assert.ok(text.includes(`${dp.url}/live`));
});

test('devWriteKey: false leaves only configured sources; dp.writeKey is the first enabled one', async () => {
  const dp = await startDataPlane({
    port: 0,
    dbPath: join(tmp.dir, 'b.db'),
    quiet: true,
    devWriteKey: false,
    writeKeys: [{ writeKey: 'off_0000000001', disabled: true }, 'on_00000000002'],
  });
  try {
    assert.equal(dp.writeKey, 'on_00000000002');
    assert.equal((await post(dp, '/v1/track', track(), { key: DEV_WRITE_KEY })).status, 401);
    assert.equal((await post(dp, '/v1/track', track())).status, 200);
  } finally {
    await dp.close();
  }
});

test('a broken config file or a key with ":" is refused at start', async () => {
  const bad = join(tmp.dir, 'bad.json');
  writeFileSync(bad, '{"sources": {}}');
  await assert.rejects(startDataPlane({ port: 0, dbPath: join(tmp.dir, 'c.db'), quiet: true, configFile: bad }), /"sources"/);
  await assert.rejects(startDataPlane({ port: 0, dbPath: join(tmp.dir, 'c.db'), quiet: true, writeKeys: ['a:b'] }), /contains ':'/);
});

test('the flags of rudder dev and npm start map onto options; RUDDER_PORT / RUDDER_DB fill in for missing flags', () => {
  assert.deepEqual(
    parseDataPlaneArgs(['--port', '0', '--db', 'x.db', '--write-key', 'k1', '--write-key', 'k2', '--quiet', '--max-request-bytes', '5000']),
    {
      port: 0,
      host: undefined,
      dbPath: 'x.db',
      configFile: undefined,
      writeKeys: ['k1', 'k2'],
      maxRequestBytes: 5000,
      allowedHosts: undefined,
      readToken: undefined,
      quiet: true,
    },
  );
  const reads = parseDataPlaneArgs(['--allowed-host', 'dev.test', '--allowed-host', 'box.lan', '--read-token', 't0k']);
  assert.deepEqual([reads.allowedHosts, reads.readToken], [['dev.test', 'box.lan'], 't0k']);
  assert.equal(parseDataPlaneArgs(['--no-read-token']).readToken, false);
  const env = { RUDDER_PORT: '9191', RUDDER_DB: '/tmp/env.db' };
  assert.equal(parseDataPlaneArgs([], env).port, 9191);
  assert.equal(parseDataPlaneArgs([], env).dbPath, '/tmp/env.db');
  assert.equal(parseDataPlaneArgs(['--port', '7070', '--db', 'flag.db'], env).port, 7070, 'a flag wins over the environment');
  assert.equal(parseDataPlaneArgs(['--db', 'flag.db'], env).dbPath, 'flag.db');
  assert.equal(parseDataPlaneArgs([], { RUDDER_PORT: '' }).port, undefined, 'an empty variable is unset');
  for (const [argv, environment, message] of [
    [['--port', 'eighty'], {}, /^--port must be an integer from 0 to 65535$/],
    [[], { RUDDER_PORT: 'abc' }, /^RUDDER_PORT must be an integer from 0 to 65535$/],
    [[], { RUDDER_PORT: '65536' }, /^RUDDER_PORT must be/],
    [['--max-request-bytes', '0'], {}, /^--max-request-bytes must be an integer of at least 1$/],
    [['--bogus'], {}, /Unknown option '--bogus'/],
  ] as const) {
    assert.throws(
      () => parseDataPlaneArgs([...argv], environment),
      (e: Error) => e instanceof DataPlaneArgsError && message.test(e.message),
    );
  }
});

test('a replacement dev key from the config file is shown masked; only the well-known dev key is printed in full', async () => {
  const configFile = join(tmp.dir, 'own-dev-key.json');
  writeFileSync(configFile, JSON.stringify({ devWriteKey: 'my_private_dev_key_0042' }));
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  const dp = await startDataPlane({ port: 0, dbPath: join(tmp.dir, 'g.db'), configFile, logger: { info: log, warn: log, error: log } });
  await dp.close();
  assert.ok(!lines.join('\n').includes('my_private_dev_key_0042'), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('source dev: write key …0042')));
});

test('binds 127.0.0.1 by default', async () => {
  const dp = await startDataPlane({ port: 0, dbPath: join(tmp.dir, 'd.db'), quiet: true });
  try {
    assert.equal(dp.host, '127.0.0.1');
    assert.match(dp.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    await dp.close();
  }
});

test('an unparsable config file is reported without quoting its content', async () => {
  const bad = join(tmp.dir, 'quoted.json');
  writeFileSync(bad, '{"sources": [{"writeKey": "s3cret_in_config_0001",}]}');
  await assert.rejects(
    startDataPlane({ port: 0, dbPath: join(tmp.dir, 'e.db'), quiet: true, configFile: bad }),
    (err: Error) => /not valid JSON/.test(err.message) && !err.message.includes('s3cret'),
  );
});

test('a write key in the query string never reaches the log', async () => {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  const dp = await startDataPlane({ port: 0, dbPath: join(tmp.dir, 'f.db'), logger: { info: log, warn: log, error: log } });
  try {
    const r = await post(dp, '/v1/batch?writeKey=qs_secret_000001', '{bad', { key: 'qs_secret_000001' });
    assert.equal(r.status, 401);
    assert.ok(lines.some((l) => l.includes('401 POST /v1/batch')));
    assert.ok(!lines.join('\n').includes('qs_secret_000001'));
  } finally {
    await dp.close();
  }
});
