/**
 * The Express, Fastify and Hono-on-Node examples, each started as its README says, driven over HTTP
 * against the local data plane. They hold one client per process with a long flush interval here, so
 * nothing is delivered until SIGTERM: the stored events prove the shutdown path closes the client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExampleDataPlane, type ExampleDataPlane } from './support/dataplane.js';
import { startExample } from './support/example-process.js';

const EXAMPLES = {
  express: 'examples/express/src/server.ts',
  fastify: 'examples/fastify/src/server.ts',
  'hono-node': 'examples/hono-node/src/server.ts',
} as const;

let plane: ExampleDataPlane;
before(async () => {
  plane = await startExampleDataPlane(Object.keys(EXAMPLES));
});
after(() => plane?.close());

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('HTTP server examples', () => {
  for (const [name, entry] of Object.entries(EXAMPLES)) {
    test(`${name}: events of each request are stored once SIGTERM closes the client`, { timeout: 90_000 }, async (t) => {
      const app = startExample(t, entry, {
        PORT: '0',
        RUDDER_WRITE_KEY: plane.keys[name],
        RUDDER_DATA_PLANE_URL: plane.dataPlane.url,
        // Only close() can deliver within this test: the interval is far longer than the test.
        RUDDER_FLUSH_INTERVAL_MS: '600000',
      });
      const [, base] = await app.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

      const signUp = await post(base, '/signup', { userId: `${name}-u1`, email: 'ada@example.com', plan: 'pro' });
      assert.equal(signUp.status, 201);
      const order = await post(base, '/orders', { userId: `${name}-u1`, orderId: 'o-1', total: 42.5 });
      assert.equal(order.status, 201);
      assert.equal(typeof order.json.messageId, 'string');
      const refused = await post(base, '/orders', { orderId: 'o-2', total: 1 });
      assert.equal(refused.status, 400, 'a call without userId is refused at the call');
      assert.equal(refused.json.field, 'userId');

      assert.equal(plane.dataPlane.count({ source: name }), 0, 'delivered before shutdown: the test would prove nothing');
      app.signal('SIGTERM');
      assert.equal(await app.exited(), 0, app.output());
      assert.match(app.output(), /closed: 3 delivered, 0 failed, 0 dropped/);

      const stored = plane.dataPlane.events({ source: name, order: 'asc' });
      assert.deepEqual(
        stored.map((e) => [e.type, e.event ?? null, e.userId]),
        [
          ['identify', null, `${name}-u1`],
          ['track', 'Signed Up', `${name}-u1`],
          ['track', 'Order Completed', `${name}-u1`],
        ],
      );
      assert.equal(stored[2].messageId, order.json.messageId, 'the id the app answered with is the stored event');
      assert.deepEqual(stored[2].payload.properties, { order_id: 'o-1', total: 42.5 });
      assert.deepEqual((stored[0].payload.traits as Record<string, unknown>).plan, 'pro');
    });
  }
});
