/**
 * The Hono-on-Workers example, bundled as wrangler bundles it (esbuild, the workerd conditions) and run
 * in workerd through miniflare against the local data plane. Responses go out at once; the events of
 * each request must reach the data plane through `waitUntil(client.close())` alone.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { startExampleDataPlane, type ExampleDataPlane } from './support/dataplane.js';
import { ROOT } from './support/example-process.js';
import { WRANGLER_BUILD } from '../runtimes/support/bundle.js';

let plane: ExampleDataPlane;
let worker: Miniflare | undefined;
before(async () => {
  plane = await startExampleDataPlane(['hono-workers']);
});
after(async () => {
  await worker?.dispose();
  await plane?.close();
});

/** Keeps miniflare's and workerd's warnings and errors, so the test can require there are none. */
class CollectingLog extends Log {
  constructor(readonly lines: string[]) {
    super(LogLevel.WARN);
  }
  override logWithLevel(level: LogLevel, message: string): void {
    if (level <= LogLevel.WARN) this.lines.push(`[${LogLevel[level]}] ${message}`);
  }
}

test('hono-workers: a client per request, delivered through waitUntil', { timeout: 90_000 }, async () => {
  const bundle = await build({
    ...WRANGLER_BUILD,
    conditions: [...WRANGLER_BUILD.conditions],
    mainFields: [...WRANGLER_BUILD.mainFields],
    entryPoints: [join(ROOT, 'examples/hono-workers/src/index.ts')],
    logLevel: 'silent',
  });
  const noise: string[] = [];
  worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0].text,
    compatibilityDate: '2026-04-01',
    cf: false, // otherwise miniflare fetches request.cf data from the internet
    bindings: { RUDDER_WRITE_KEY: plane.keys['hono-workers'], RUDDER_DATA_PLANE_URL: plane.dataPlane.url },
    log: new CollectingLog(noise),
  });
  const post = async (path: string, body: unknown) => {
    const response = await worker!.dispatchFetch(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  assert.equal((await post('/signup', { userId: 'edge-u1', plan: 'team' })).status, 201);
  const order = await post('/orders', { userId: 'edge-u1', orderId: 'o-9', total: 7 });
  assert.equal(order.status, 201);
  const refused = await post('/orders', { orderId: 'o-10', total: 1 });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.field, 'userId');

  const stored = await plane.dataPlane.waitForEvents(3, { source: 'hono-workers' }, { timeoutMs: 30_000 });
  assert.deepEqual(
    stored.map((e) => [e.type, e.event ?? null, e.userId]),
    [
      ['identify', null, 'edge-u1'],
      ['track', 'Signed Up', 'edge-u1'],
      ['track', 'Order Completed', 'edge-u1'],
    ],
  );
  assert.equal(stored[2].messageId, order.json.messageId);
  assert.deepEqual(noise, []);
});
