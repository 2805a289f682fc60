/**
 * The Redis store's promise: two producer processes share one stream; one is killed with SIGKILL while
 * batches are in flight, and the survivor takes over its pending entries, so every event arrives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { Redis } from 'ioredis';
import { startProducer, within } from '../support/child.js';
import { startForwarder, startGate } from '../support/gate.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const N = 2000;
const FLUSH_AT = 100;
let tmp: string;
let dataPlane: DataPlane;
let redis: RedisServer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rudder-redis-crash-'));
  redis = await startRedis();
  dataPlane = await startDataPlane({ port: 0, dbPath: join(tmp, 'dataplane.db'), quiet: true });
});
after(async () => {
  await dataPlane?.close();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("two producers on one stream, one killed mid-flight: the survivor delivers the dead one's events", { timeout: 90_000 }, async (t) => {
  const expected = new Set<string>();
  for (const prefix of ['a', 'b']) for (let i = 0; i < N; i++) expected.add(`${prefix}-${i}`);
  const arrived = new Set<string>();
  let allArrived!: () => void;
  const done = new Promise<void>((resolve) => (allArrived = resolve));
  const unsubscribe = dataPlane.subscribe((event) => {
    arrived.add(event.messageId);
    if ([...expected].every((id) => arrived.has(id))) allArrived();
  });

  t.after(() => unsubscribe());
  const gate = await startGate(dataPlane.url, 2);
  t.after(() => gate.server.close());
  const open = await startForwarder(dataPlane.url);
  t.after(() => open.close());
  const common = { store: 'redis', redisUrl: redis.url, writeKey: dataPlane.writeKey, count: N, flushAt: FLUSH_AT, claimIdleMs: 2000 };
  const doomed = startProducer({ ...common, consumer: 'producer-a', url: gate.server.url, prefix: 'a' });
  const survivor = startProducer({ ...common, consumer: 'producer-b', url: open.url, prefix: 'b', linger: true });
  t.after(() => Promise.all([doomed.stop(), survivor.stop()]));

  await doomed.waitFor((l) => l === 'durable', 'every event added to the stream');
  await doomed.waitFor((l) => l.startsWith('delivered '), 'a first delivery');
  await within(gate.stalled, 'the third batch stored');
  doomed.process.kill('SIGKILL');
  await within(doomed.exited, 'the killed child exits');
  await gate.server.close();
  const atKill = [...arrived].filter((id) => id.startsWith('a-')).length;
  assert.equal(atKill, 3 * FLUSH_AT, "three of the killed producer's batches had reached the data plane");

  await within(done, 'every event arrived'); // the survivor takes over the dead producer's entries once they are idle for claimIdleMs
  survivor.process.stdin!.end('close\n');
  const line = await survivor.waitFor((l) => l.startsWith('done '), 'done');
  assert.equal(await within(survivor.exited, 'the survivor exits'), 0, survivor.stderr());
  await open.close();
  unsubscribe();

  const stats = JSON.parse(line.slice('done '.length)) as { store: { claimed: number } };
  assert.equal(stats.store.claimed, N - 2 * FLUSH_AT, 'it took over exactly what the dead producer had not seen acknowledged');
  const stored = dataPlane.events({ limit: 100_000 });
  assert.equal(stored.length, 2 * N + FLUSH_AT, 'only the batch in flight at the kill is delivered twice');

  const client = new Redis(redis.url);
  try {
    assert.equal(await client.xlen('rudderanalytics:events'), 0, 'delivered entries are deleted from the stream');
    const [pending] = (await client.xpending('rudderanalytics:events', 'rudderanalytics')) as [number];
    assert.equal(pending, 0);
  } finally {
    client.disconnect();
  }
});

test('a producer restarted under the same consumer name takes its own pending entries back at once', { timeout: 90_000 }, async (t) => {
  const stream = 'restart:events';
  const count = 500;
  const gate = await startGate(dataPlane.url, 0); // the first batch is stored but never answered; the rest are held
  t.after(() => gate.server.close());
  const common = {
    store: 'redis',
    redisUrl: redis.url,
    stream,
    consumer: 'pod-7',
    writeKey: dataPlane.writeKey,
    flushAt: FLUSH_AT,
    claimIdleMs: 600_000,
  };
  const first = startProducer({ ...common, url: gate.server.url, count, prefix: 'r' });
  t.after(() => first.stop());
  await first.waitFor((l) => l === 'durable', 'every event added to the stream');
  await within(gate.stalled, 'the first batch stored');
  first.process.kill('SIGKILL');
  await within(first.exited, 'the killed child exits');
  await gate.server.close();

  const open = await startForwarder(dataPlane.url);
  t.after(() => open.close());
  const second = startProducer({ ...common, url: open.url, count: 0, prefix: 'none' });
  t.after(() => second.stop());
  const line = await second.waitFor((l) => l.startsWith('done '), 'done'); // close() waits for what it took back
  assert.equal(await within(second.exited, 'the second child exits'), 0, second.stderr());
  await open.close();
  const stats = JSON.parse(line.slice('done '.length)) as { store: { claimed: number } };
  assert.equal(stats.store.claimed, count, 'all of its entries, without waiting claimIdleMs (10 minutes here)');
  const stored = new Set(dataPlane.events({ limit: 100_000 }).map((e) => e.messageId));
  assert.deepEqual(
    Array.from({ length: count }, (_, i) => `r-${i}`).filter((id) => !stored.has(id)),
    [],
  );
});
