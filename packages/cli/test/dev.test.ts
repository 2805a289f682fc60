import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertNoKeyPrinted, rudder, SENTINEL, start, waitForOutput } from './helpers.js';
import { DEV_WRITE_KEY } from '@rudderanalytics/dataplane';

const dir = mkdtempSync(join(tmpdir(), 'rudder-dev-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('rudder dev: prints URL, dev key and live page; events sent with no setup are stored; SIGTERM closes it (exit 0)', async () => {
  const db = join(dir, 'dev.db');
  const dev = start(['dev', '--port', '0', '--db', db]);
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
  const [event] = listed.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(event.messageId, sent.stdout.trim());
  assert.equal(event.source, 'dev');

  dev.kill('SIGTERM');
  const run = await dev.result;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /stopped\./);

  // It closed cleanly: the database file is reusable by the next start, with the event still in it.
  const again = start(['dev', '--port', '0', '--db', db]);
  const url2 = (await waitForOutput(again, /Press Ctrl-C to stop/)).match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  const kept = await rudder(['events', '--json', '--data-plane-url', url2!]);
  assert.match(kept.stdout, /dev-user/);
  again.kill('SIGINT');
  assert.equal((await again.result).code, 0);
});

test('rudder dev --config: configured keys are only shown masked', async () => {
  const config = join(dir, 'sources.json');
  writeFileSync(config, JSON.stringify({ sources: [{ writeKey: SENTINEL, name: 'web' }] }));
  const dev = start(['dev', '--port', '0', '--db', ':memory:', '--config', config]);
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

test('rudder dev: a port in use is an error (exit 1), a bad --port a usage error (exit 2)', async () => {
  const first = start(['dev', '--port', '0', '--db', ':memory:']);
  const port = (await waitForOutput(first, /Press Ctrl-C to stop/)).match(/127\.0\.0\.1:(\d+)/)![1];
  const second = await rudder(['dev', '--port', port, '--db', ':memory:']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /EADDRINUSE/);
  first.kill('SIGTERM');
  await first.result;
  const bad = await rudder(['dev', '--port', '99999']);
  assert.equal(bad.code, 2);
});

test('the write key never appears in any output of this file', () => {
  assertNoKeyPrinted();
});
