/**
 * `npm start -w examples/<name>` runs every example on this machine, as examples/README.md says, and what
 * it sends is stored by the local data plane. The other tests in this folder drive each example's
 * pattern in depth; this one holds the README's promise: every example has a `start`, and it delivers.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../packages/rudderanalytics/test/support/redis-server.js';
import { startExampleDataPlane, type ExampleDataPlane } from './support/dataplane.js';
import { ROOT, startExampleScript } from './support/example-process.js';

type Env = Record<string, string>;
/** Drives one example's `npm start` and checks what the data plane stored. */
type Drive = (t: TestContext, name: string, env: Env) => Promise<void>;

let plane: ExampleDataPlane;
let redisServer: RedisServer | undefined;

/** An HTTP app (a server or the Worker under miniflare): one sign-up, stored, then SIGTERM stops it. */
const httpApp: Drive = async (t, name, env) => {
  const app = startExampleScript(t, name, { ...env, PORT: '0' });
  const [, base] = await app.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  const response = await fetch(`${base}/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: `${name}-u1`, plan: 'pro' }),
  });
  assert.equal(response.status, 201, app.output());
  const stored = await plane.dataPlane.waitForEvents(2, { source: name }, { timeoutMs: 30_000 });
  assert.deepEqual(
    stored.map((e) => [e.type, e.event ?? null, e.userId]),
    [
      ['identify', null, `${name}-u1`],
      ['track', 'Signed Up', `${name}-u1`],
    ],
  );
  app.signal('SIGTERM');
  await app.exited();
};

const DRIVERS: Record<string, Drive> = {
  express: httpApp,
  fastify: httpApp,
  'hono-node': httpApp,
  'hono-workers': httpApp,
  async lambda(t, name, env) {
    // One invocation with the sample event; the handler flushed before it returned.
    const run = startExampleScript(t, name, env);
    assert.equal(await run.exited(60_000), 0, run.output());
    const result = JSON.parse(run.output().match(/^(\{"statusCode".*)$/m)?.[1] ?? 'null') as { statusCode: number; body: string } | null;
    assert.equal(result?.statusCode, 200, run.output());
    const { messageIds } = JSON.parse(result!.body) as { messageIds: string[] };
    const stored = plane.dataPlane.events({ source: name, order: 'asc' });
    assert.deepEqual(
      stored.map((e) => e.messageId),
      messageIds,
    );
    assert.deepEqual(
      stored.map((e) => e.event),
      ['Product Purchased', 'Order Completed'],
    );
  },
  async 'queue-worker'(t, name, env) {
    redisServer = await startRedis();
    const redis = new Redis(redisServer.url);
    t.after(() => redis.disconnect());
    await redis.lpush('jobs:welcome-email', JSON.stringify({ id: 'job-1', userId: 'user-1', email: 'user-1@example.com' }));
    const worker = startExampleScript(t, name, { ...env, REDIS_URL: redisServer.url });
    await worker.waitFor(/^done job-1$/m, 60_000);
    const [stored] = await plane.dataPlane.waitForEvents(1, { source: name }, { timeoutMs: 30_000 });
    assert.deepEqual([stored.event, stored.userId], ['Welcome Email Sent', 'user-1']);
    worker.signal('SIGTERM');
    await worker.exited();
  },
  async 'typed-plan'(t, name, env) {
    const run = startExampleScript(t, name, env);
    assert.equal(await run.exited(60_000), 0, run.output());
    assert.deepEqual(
      plane.dataPlane.events({ source: name, order: 'asc' }).map((e) => [e.type, e.event ?? null]),
      [
        ['identify', null],
        ['track', 'Cart Viewed'],
        ['track', 'Order Completed'],
      ],
    );
  },
};

const examples = readdirSync(join(ROOT, 'examples')).filter((name) => statSync(join(ROOT, 'examples', name)).isDirectory());

before(async () => {
  plane = await startExampleDataPlane(examples);
});
after(async () => {
  await redisServer?.stop();
  await plane?.close();
});

test('every example has a `start` script and a test of it here', () => {
  for (const name of examples) {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'examples', name, 'package.json'), 'utf8')) as { scripts?: Env }).scripts;
    assert.equal(typeof scripts?.start, 'string', `examples/${name} has no start script`);
  }
  assert.deepEqual([...examples].sort(), Object.keys(DRIVERS).sort());
});

describe('npm start -w examples/<name> delivers to the local data plane', () => {
  for (const name of examples) {
    test(name, { timeout: 120_000 }, async (t) => {
      const drive = DRIVERS[name];
      assert.ok(drive, `no test of examples/${name}'s start`);
      await drive(t, name, { RUDDER_WRITE_KEY: plane.keys[name], RUDDER_DATA_PLANE_URL: plane.dataPlane.url });
    });
  }
});
