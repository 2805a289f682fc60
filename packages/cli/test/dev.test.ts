import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { deadUrl, rudder, rudderProcess, SENTINEL, start, stopAfter, waitForOutput, type Child } from './support/helpers.js';
import { DEV_WRITE_KEY } from '@rudderanalytics/dataplane';

const dir = mkdtempSync(join(tmpdir(), 'rudder-dev-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('rudder dev: prints URL, dev key and live page; events sent with no setup are stored; SIGTERM closes it (exit 0)', async (t) => {
  const db = join(dir, 'dev.db');
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', db]));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  assert.ok(url, banner);
  assert.ok(banner.includes(DEV_WRITE_KEY), 'the dev key is printed: it is the documented exception');
  assert.ok(banner.includes(`${url}/live`), 'the live page URL is printed');
  assert.ok(banner.includes(db));
  // The browser snippet points both the SDK's config and its events at this data plane, which serves both.
  assert.ok(banner.includes(`analytics.load("${DEV_WRITE_KEY}", "${url}", { configUrl: "${url}" });`), banner);
  const config = await fetch(`${url}/sourceConfig/?writeKey=${DEV_WRITE_KEY}`, { headers: { Origin: 'http://localhost:3000' } });
  assert.equal(config.status, 200);
  assert.equal(config.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  assert.equal(((await config.json()) as { source: { enabled: boolean } }).source.enabled, true);

  // Only the URL is configured: the dev key is the default, as after a plain `rudder dev`.
  const env = { RUDDER_DATA_PLANE_URL: url! };
  const sent = await rudder(['track', '--user-id', 'dev-user', '--event', 'Hello'], { env });
  assert.equal(sent.code, 0, sent.stderr);
  const listed = await rudder(['events', '--json'], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const [event] = listed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(event.messageId, sent.stdout.trim());
  assert.equal(event.source, 'dev');

  dev.kill('SIGTERM');
  const run = await dev.result;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /stopped\./);

  // It closed cleanly: the database file is reusable by the next start, with the event still in it.
  const again = stopAfter(t, start(['dev', '--port', '0', '--db', db]));
  const url2 = (await waitForOutput(again, /Press Ctrl-C to stop/)).match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  const kept = await rudder(['events', '--json', '--data-plane-url', url2!]);
  assert.match(kept.stdout, /dev-user/);
  again.kill('SIGINT');
  assert.equal((await again.result).code, 0);
});

test('rudder dev --config: configured keys are only shown masked', async (t) => {
  const config = join(dir, 'sources.json');
  writeFileSync(config, JSON.stringify({ sources: [{ writeKey: SENTINEL, name: 'web' }] }));
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--config', config]));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  assert.match(banner, /source web: write key/);
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  const sent = await rudder(['identify', '--user-id', 'web-user', '--data-plane-url', url, '--write-key', SENTINEL]);
  assert.equal(sent.code, 0, sent.stderr);
  dev.kill('SIGINT');
  const run = await dev.result;
  assert.equal(run.code, 0);
  assert.ok(!run.stdout.includes(SENTINEL) && !run.stderr.includes(SENTINEL));
});

test('rudder dev: a port in use is an error (exit 1), a bad --port a usage error (exit 2)', async (t) => {
  const first = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:']));
  const port = (await waitForOutput(first, /Press Ctrl-C to stop/)).match(/127\.0\.0\.1:(\d+)/)![1];
  const second = await rudderProcess(['dev', '--port', port, '--db', ':memory:']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /EADDRINUSE/);
  first.kill('SIGTERM');
  await first.result;
  const bad = await rudderProcess(['dev', '--port', '99999']);
  assert.equal(bad.code, 2);
});

/** Resolves once `url` answers /health; rejects if `child` exits first or after 30 s. */
async function untilHealthy(url: string, child: Child): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rudder dev exited (${child.exitCode}): ${child.seen.stderr}`);
    const up = await fetch(`${url}/health`).then(
      async (r) => (await r.body?.cancel(), r.ok),
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not come up within 30 s`);
}

test("rudder dev takes the data plane's flags: --write-key (masked in the banner) and --quiet", async (t) => {
  // --quiet prints nothing, so it gets a port that was free a moment ago, and is asked whether it is up.
  const quietUrl = await deadUrl();
  const dev = stopAfter(t, start(['dev', '--port', new URL(quietUrl).port, '--db', ':memory:', '--write-key', SENTINEL, '--quiet']));
  await untilHealthy(quietUrl, dev);
  const quietDb = join(dir, 'quiet.db');
  const loud = stopAfter(t, start(['dev', '--port', '0', '--db', quietDb, '--write-key', SENTINEL, '--max-request-bytes', '2000']));
  const banner = await waitForOutput(loud, /Press Ctrl-C to stop/);
  assert.match(banner, /source source-2: write key …3a9c/);
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  const sent = await rudder(['identify', '--user-id', 'flag-key-user', '--data-plane-url', url, '--write-key', SENTINEL]);
  assert.equal(sent.code, 0, sent.stderr);
  // --max-request-bytes reached the data plane: a call above 2,000 bytes is refused with 413.
  const big = await rudder([
    'track',
    '--user-id',
    'u',
    '--event',
    'E',
    '--properties',
    JSON.stringify({ pad: 'x'.repeat(3000) }),
    '--data-plane-url',
    url,
    '--max-attempts',
    '1',
  ]);
  assert.equal(big.code, 1);
  assert.match(big.stderr, /413/);
  loud.kill('SIGTERM');
  assert.equal((await loud.result).code, 0);

  dev.kill('SIGTERM');
  const quiet = await dev.result;
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, '');
});

test('rudder dev honours RUDDER_PORT and RUDDER_DB, and refuses a RUDDER_PORT that is not a port with a clear message', async (t) => {
  const db = join(dir, 'env.db');
  const dev = stopAfter(t, start(['dev'], { env: { RUDDER_PORT: '0', RUDDER_DB: db } }));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  assert.ok(banner.includes(`database: ${db}`), banner);
  assert.doesNotMatch(banner, /:8080\b/, 'RUDDER_PORT=0 picked a free port, not the default');
  dev.kill('SIGTERM');
  assert.equal((await dev.result).code, 0);

  for (const port of ['abc', '70000', '-1']) {
    const bad = await rudderProcess(['dev', '--db', ':memory:'], { env: { RUDDER_PORT: port } });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /RUDDER_PORT must be an integer from 0 to 65535/);
    assert.doesNotMatch(bad.stderr, /ERR_SOCKET_BAD_PORT/);
  }
  const flag = await rudderProcess(['dev', '--port', 'eighty']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--port must be an integer from 0 to 65535/);
});

test("rudder dev with the dev key disabled says to export RUDDER_WRITE_KEY too, naming the source and the key's last 4 characters", async (t) => {
  const config = join(dir, 'no-dev.json');
  writeFileSync(config, JSON.stringify({ sources: [{ writeKey: SENTINEL, name: 'web' }], devWriteKey: false }));
  const dev = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--config', config]));
  const banner = await waitForOutput(dev, /Press Ctrl-C to stop/);
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  assert.ok(banner.includes(`export RUDDER_DATA_PLANE_URL=${url}`), banner);
  assert.match(banner, /export RUDDER_WRITE_KEY=<the write key of source web, ending …3a9c>/);
  // Following the advice works: with both exported, the call is accepted.
  const sent = await rudder(['track', '--user-id', 'u1', '--event', 'Hello'], { env: { RUDDER_DATA_PLANE_URL: url, RUDDER_WRITE_KEY: SENTINEL } });
  assert.equal(sent.code, 0, sent.stderr);
  dev.kill('SIGTERM');
  assert.equal((await dev.result).code, 0);
});

test('rudder dev --tracking-plan: a plan it cannot apply is refused with exit 2 naming the file; --tracking-plan-lenient starts and lists the broken schemas', async (t) => {
  const missing = await rudderProcess(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--tracking-plan .*nope\.json: no such file/);
  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{ nope');
  const invalid = await rudderProcess(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', notJson]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /not-json\.json: invalid JSON/);
  const noLayout = join(dir, 'no-layout.json');
  writeFileSync(noLayout, JSON.stringify({ hello: 1 }));
  const unknown = await rudderProcess(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', noLayout]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--tracking-plan .*no-layout\.json: plan: expected "events"/);

  const brokenPlan = join(dir, 'broken-plan.json');
  writeFileSync(brokenPlan, JSON.stringify({ id: 'tp_b', events: [{ eventType: 'track', name: 'Bad', rules: { type: 'object', labels: {} } }] }));
  const refused = await rudderProcess(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', brokenPlan]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /broken-plan\.json: the schema for track 'Bad' does not compile: strict mode: unknown keyword: "labels"/);
  assert.match(refused.stderr, /--tracking-plan-lenient/);
  assert.equal(refused.stdout, '', 'nothing started');

  const lenient = stopAfter(t, start(['dev', '--port', '0', '--db', ':memory:', '--tracking-plan', brokenPlan, '--tracking-plan-lenient']));
  const banner = await waitForOutput(lenient, /Press Ctrl-C to stop/);
  await waitForOutput(lenient, /not checked \(its schema does not compile\): track 'Bad': strict mode: unknown keyword: "labels"/, 'stderr');
  const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
  const page = await (await fetch(`${url}/live`)).text();
  assert.match(page, /id="plan-broken"[^]*track &#39;Bad&#39;/);
});
