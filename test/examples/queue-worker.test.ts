/**
 * The queue worker example on a real redis-server, against the local data plane. The first worker runs
 * while its data plane is unreachable and is killed with SIGKILL after finishing its jobs; a second one
 * with the same WORKER_NAME takes those events back from the Redis store and delivers them with its own.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../packages/rudderanalytics/test/support/redis-server.js';
import { startExampleDataPlane, type ExampleDataPlane } from './support/dataplane.js';
import { startExample } from './support/example-process.js';

const QUEUE = 'jobs:welcome-email';
const STREAM = 'rudderanalytics:events'; // the store's default stream

let plane: ExampleDataPlane;
let redisServer: RedisServer;
let redis: Redis;
before(async () => {
  [plane, redisServer] = await Promise.all([startExampleDataPlane(['queue-worker']), startRedis()]);
  redis = new Redis(redisServer.url);
});
after(async () => {
  redis?.disconnect();
  await redisServer?.stop();
  await plane?.close();
});

/** A loopback URL where nothing listens: the port was free a moment ago and is closed again. */
function unreachableUrl(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

const job = (n: number) => JSON.stringify({ id: `job-${n}`, userId: `user-${n}`, email: `user-${n}@example.com` });

test('queue-worker: events survive a data plane outage and a kill -9 in the Redis store', { timeout: 120_000 }, async (t) => {
  const env = { REDIS_URL: redisServer.url, RUDDER_WRITE_KEY: plane.keys['queue-worker'], WORKER_NAME: 'welcome-worker-1' };

  await redis.lpush(QUEUE, job(1), job(2), job(3));
  const first = startExample(t, 'examples/queue-worker/src/worker.ts', { ...env, RUDDER_DATA_PLANE_URL: await unreachableUrl() });
  await first.waitFor(/^done job-3$/m);
  assert.equal(await redis.xlen(STREAM), 3, 'each finished job left its event in Redis');
  first.signal('SIGKILL');
  assert.equal(await first.exited(), 'SIGKILL');
  assert.equal(plane.dataPlane.count({ source: 'queue-worker' }), 0);

  await redis.lpush(QUEUE, job(4), job(5));
  const second = startExample(t, 'examples/queue-worker/src/worker.ts', { ...env, RUDDER_DATA_PLANE_URL: plane.dataPlane.url });
  await second.waitFor(/^done job-5$/m);
  const stored = await plane.dataPlane.waitForEvents(5, { source: 'queue-worker' }, { timeoutMs: 60_000 });
  second.signal('SIGTERM');
  assert.equal(await second.exited(), 0, second.output());

  const jobsReported = stored.map((e) => (e.payload.properties as { job_id: string }).job_id).sort();
  assert.deepEqual(jobsReported, ['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
  assert.ok(stored.every((e) => e.event === 'Welcome Email Sent'));
  assert.equal(await redis.xlen(STREAM), 0, 'delivered events are removed from the stream');
});
