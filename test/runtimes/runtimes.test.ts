/**
 * Issue 8: the BUILT package (dist) delivers the six calls and a batch, gzipped, to a real local data
 * plane from Node, Bun, Deno and a Cloudflare Worker (workerd via miniflare), and the data plane stores
 * them in the contract's wire shape. Each runtime runs in its own process; the data plane is the judge.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { LIBRARY } from '../../packages/rudderanalytics/src/version.js';
import { assertStored } from './support/expect-wire.js';
import { basicAuth, startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';
import { devBinary, requireBuild, runJson } from './support/subprocess.js';
import { bundleWorker } from './support/bundle.js';
import { startWorker, type WorkerHarness } from './support/worker.js';

const SOURCES = [
  'node',
  'node18-globals',
  'bun',
  'deno',
  ...(['worker', 'worker-compat', 'worker-bundled'] as const).flatMap((w) => [`${w}-close`, `${w}-flush`, `${w}-option`, `${w}-concurrent`] as const),
] as const;
type Source = (typeof SOURCES)[number];

const RUNTIMES: Record<'node' | 'bun' | 'deno', () => [string, string[]]> = {
  node: () => [process.execPath, []],
  bun: () => [devBinary('bun'), ['run']],
  // The SDK needs the network only; the env permission is the fixture's (where to send, with which key).
  deno: () => [devBinary('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env=RUDDER_URL,RUDDER_WRITE_KEY,RUDDER_TAG']],
};

let dir: string;
let dataPlane: DataPlane;
let proxy: RecordingProxy;
const keys = {} as Record<Source, string>;

before(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'rudder-runtimes-'));
  for (const source of SOURCES) keys[source] = `wk-${source}-${randomUUID()}`;
  dataPlane = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    quiet: true,
    devWriteKey: false,
    writeKeys: SOURCES.map((name) => ({ name, writeKey: keys[name] })),
  });
  proxy = await startRecordingProxy(dataPlane.url);
});

after(async () => {
  await proxy?.close();
  await dataPlane?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function stored(source: Source) {
  return dataPlane.events({ source, order: 'asc', limit: 1000 });
}

/** Every request this client made was gzipped (header and bytes). Acceptance is judged by what was stored. */
function assertGzipped(source: Source): void {
  const mine = proxy.requests.filter((r) => r.authorization === basicAuth(keys[source]));
  assert.ok(mine.length > 0, `${source}: no request reached the data plane`);
  for (const request of mine) {
    assert.equal(request.path, '/v1/batch');
    assert.equal(request.contentEncoding, 'gzip', `${source}: a request was not gzipped`);
    assert.ok(request.gzipMagic, `${source}: Content-Encoding gzip, but the body is not gzip`);
  }
}

const CLEAN_STATS = { accepted: 9, replayed: 0, queued: 0, inFlight: 0, delivered: 9, retried: 0, failed: 0, dropped: 0, persisted: 0 };

describe('server runtimes run the built ESM package', () => {
  for (const runtime of ['node', 'bun', 'deno'] as const) {
    test(`${runtime}: six calls and a batch, gzipped, stored in the wire shape; close() leaves nothing behind`, async () => {
      const [bin, args] = RUNTIMES[runtime]();
      const { json } = await runJson(bin, [...args, 'test/runtimes/fixtures/run.mjs'], {
        env: { RUDDER_URL: proxy.url, RUDDER_WRITE_KEY: keys[runtime] },
      });
      assert.equal(json.runtime, runtime, `the script ran on ${json.runtime}`);
      assert.deepEqual(json.errors, []);
      assert.equal(json.validation, 'ValidationError', 'a bad call throws ValidationError synchronously');
      assert.equal(json.batchResult, 'delivered', 'the batch send() resolved');
      assert.deepEqual(json.stats, CLEAN_STATS);
      assert.equal(json.liveTimers, 0, 'a timer the SDK armed is still pending after close()');
      assert.deepEqual(json.library, LIBRARY);
      // close() resolved and the process exited on its own: the data plane already holds everything.
      assertStored(stored(runtime), json, runtime);
      assertGzipped(runtime);
    });
  }

  test('node with only the globals Node 18 has (no crypto, no process.getBuiltinModule): the same delivery', async () => {
    const { json } = await runJson(process.execPath, ['--import', './test/runtimes/fixtures/node18-globals.mjs', 'test/runtimes/fixtures/run.mjs'], {
      env: { RUDDER_URL: proxy.url, RUDDER_WRITE_KEY: keys['node18-globals'], RUDDER_TAG: 'node18-globals' },
    });
    assert.deepEqual(json.errors, []);
    assert.equal(json.compression, 'CompressionStream', 'without getBuiltinModule the web gzip is used');
    assert.equal(json.batchResult, 'delivered');
    assert.deepEqual(json.stats, CLEAN_STATS);
    assert.equal(json.liveTimers, 0);
    assertStored(stored('node18-globals'), json, 'node18-globals');
    assertGzipped('node18-globals');
  });

  for (const runtime of ['node', 'bun', 'deno'] as const) {
    test(`${runtime}: \`import … from 'rudderanalytics'\` resolves the package by name (no npm: specifier)`, async () => {
      const [bin, args] = RUNTIMES[runtime]();
      const { json } = await runJson(bin, [...args, 'test/runtimes/fixtures/bare.mjs']);
      for (const name of ['RudderAnalytics', 'ValidationError', 'ConfigError', 'DeliveryError', 'DroppedError', 'ClosedError', 'RudderError']) {
        assert.ok(json.exports.includes(name), `${runtime}: missing export ${name}`);
      }
      assert.equal(json.load, 'function');
      assert.equal(json.configError, true, 'errors keep their class chain');
      assert.deepEqual(json.library, LIBRARY);
    });
  }
});

const PLATFORMS = [
  // The plain Workers platform: no Node APIs, so the SDK must get by on CompressionStream and web APIs.
  { name: 'worker', platform: { compatibilityDate: '2024-11-01', compatibilityFlags: [] }, compression: 'CompressionStream', bundle: false },
  // With nodejs_compat, process.getBuiltinModule reaches workerd's node:zlib, and the SDK takes it.
  {
    name: 'worker-compat',
    platform: { compatibilityDate: '2025-06-01', compatibilityFlags: ['nodejs_compat'] },
    compression: 'node:zlib',
    bundle: false,
  },
  // Bundled as wrangler would, the SDK found by package name through the exports map.
  { name: 'worker-bundled', platform: { compatibilityDate: '2024-11-01', compatibilityFlags: [] }, compression: 'CompressionStream', bundle: true },
] as const;

for (const { name, platform, compression, bundle: bundleIt } of PLATFORMS) {
  const how = `${platform.compatibilityFlags.join(' ') || 'no compatibility flags'}, ${bundleIt ? 'bundled by esbuild' : 'unbundled ES modules'}`;
  describe(`Cloudflare Workers, ${how} (workerd via miniflare)`, () => {
    const source = (route: 'close' | 'flush' | 'option' | 'concurrent') => `${name}-${route}` as Source;
    let worker: WorkerHarness;
    before(async () => {
      let bundled: string | undefined;
      if (bundleIt) {
        const bundle = await bundleWorker();
        // The SDK came from the package's ESM build, picked by the exports map, and only from there.
        assert.ok(bundle.inputs.includes('packages/rudderanalytics/dist/esm/index.js'), `bundle inputs: ${bundle.inputs.join(', ')}`);
        assert.deepEqual(
          bundle.inputs.filter((f) => f.includes('dist/cjs') || f.includes('/src/')),
          [],
        );
        bundled = bundle.code;
      }
      worker = await startWorker(
        { ...platform, bundled },
        {
          TAG: name,
          DATA_PLANE_URL: proxy.url,
          WRITE_KEY_CLOSE: keys[source('close')],
          WRITE_KEY_FLUSH: keys[source('flush')],
          WRITE_KEY_OPTION: keys[source('option')],
          WRITE_KEY_CONCURRENT: keys[source('concurrent')],
        },
      );
    });
    after(() => worker?.dispose());

    // The routes run one at a time: the timer probe counts across the isolate.
    test('await client.close() in the handler: stored before the response arrives, no timer left', async () => {
      const response = await worker.fetch('/close');
      assert.equal(response.status, 200);
      const json: any = await response.json();
      assert.equal(json.compression, compression);
      assert.deepEqual(json.errors, []);
      assert.equal(json.batchResult, 'delivered');
      assert.deepEqual(json.stats, CLEAN_STATS);
      assert.equal(json.liveTimers, 0, 'a timer the SDK armed outlives the request');
      // No waiting: delivery finished inside the request.
      assertStored(stored(source('close')), json, source('close'));
      assertGzipped(source('close'));
    });

    test('ctx.waitUntil(client.flush()): delivered after the response, and flush() leaves no interval timer armed', async () => {
      const response = await worker.fetch('/flush');
      assert.equal(response.status, 200);
      const json: any = await response.json();
      // flushInterval is 60 s on this route, so only flush() under waitUntil can deliver within the wait.
      const events = await dataPlane.waitForEvents(10, { source: source('flush') }, { timeoutMs: 15_000 });
      const report = events.find((e) => e.event === 'runtime report');
      assert.ok(report, 'the worker reported after flush()');
      const { liveTimers, stats, errors } = report.payload.properties as any;
      assert.deepEqual(errors, []);
      assert.deepEqual(stats, CLEAN_STATS);
      assert.equal(liveTimers, 0, 'after flush() settled, an SDK timer was still armed: it would outlive the request');
      assertStored(
        stored(source('flush')).filter((e) => e.event !== 'runtime report'),
        json,
        source('flush'),
      );
      assertGzipped(source('flush'));
    });

    test('the waitUntil option with flushInterval 0: delivered without any flush() call', async () => {
      const response = await worker.fetch('/option');
      assert.equal(response.status, 200);
      const json: any = await response.json();
      await dataPlane.waitForEvents(9, { source: source('option') }, { timeoutMs: 15_000 });
      assertStored(stored(source('option')), json, source('option'));
      assertGzipped(source('option'));
    });

    test('eight requests at once, a client each: every event of every request is stored', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const response = await worker.fetch('/concurrent');
          assert.equal(response.status, 200);
          return (await response.json()) as any;
        }),
      );
      for (const json of answers) {
        assert.deepEqual(json.errors, []);
        assert.deepEqual(json.stats, CLEAN_STATS);
      }
      const expected = answers.flatMap((json) => [...Object.values(json.ids as Record<string, string>), ...json.batch]).sort();
      const stored = dataPlane
        .events({ source: source('concurrent'), limit: 1000 })
        .map((e) => e.messageId)
        .sort();
      assert.deepEqual(stored, expected);
    });

    test('workerd reported nothing: no uncaught errors, no cross-request I/O, no stalled responses', () => {
      assert.deepEqual(worker.noise, []);
    });
  });
}
