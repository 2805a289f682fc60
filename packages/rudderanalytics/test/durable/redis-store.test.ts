/** The Redis store in one process: dead letters, hand-over on close, flush() that always settles. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { Redis } from 'ioredis';
import { RudderAnalytics } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { startFaultServer } from '../support/fault-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let tmp: string;
let redis: RedisServer;
let dataPlane: DataPlane;
let streams = 0;
const quiet = { warn: () => undefined, error: () => undefined };
const fresh = () => `test:${++streams}`;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rudder-redis-store-'));
  redis = await startRedis();
  dataPlane = await startDataPlane({ port: 0, dbPath: join(tmp, 'dataplane.db'), quiet: true });
});
after(async () => {
  await dataPlane?.close();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('a 401 sends every event to the dead-letter stream with its reason; replayed to a healthy data plane, all arrive', async () => {
  const stream = fresh();
  const refusing = await startFaultServer(() => ({ status: 401, body: 'invalid write key' }));
  const store = new RedisStore({ redis: redis.url, stream, logger: quiet });
  const client = RudderAnalytics.load('wrong-key', refusing.url, { storage: store, flushAt: 10, logger: quiet });
  const ids = Array.from({ length: 25 }, (_, i) => client.track({ userId: `u${i}`, event: 'Refused', properties: { i } }));
  await client.flush();
  const letters = await store.deadLetters();
  await client.close();
  await refusing.close();
  assert.deepEqual(letters.map((l) => l.record.event.messageId).sort(), [...ids].sort());
  for (const { record } of letters) {
    assert.equal(record.reason, 'rejected');
    assert.equal(record.status, 401);
    assert.equal(record.event.channel, 'server', 'only sentAt is removed from a dead letter');
    assert.equal(record.event.sentAt, undefined);
  }
  const raw = new Redis(redis.url);
  try {
    assert.equal(await raw.xlen(stream), 0, 'dead-lettered entries are acknowledged and deleted from the event stream');
    assert.ok(!JSON.stringify(await raw.xrange(`${stream}:dead-letter`, '-', '+')).includes('wrong-key'));
  } finally {
    raw.disconnect();
  }

  const replayer = new RedisStore({ redis: redis.url, stream, logger: quiet });
  const healthy = RudderAnalytics.load(dataPlane.writeKey, dataPlane.url, { logger: quiet });
  const pending = await replayer.deadLetters();
  await Promise.all(pending.map(({ record }) => healthy.send(record.event as never)));
  await replayer.deleteDeadLetters(pending.map((l) => l.id));
  assert.deepEqual(await replayer.deadLetters(), []);
  await healthy.close();
  await replayer.close();
  const stored = new Set(dataPlane.events({ limit: 1000 }).map((e) => e.messageId));
  assert.deepEqual(
    ids.filter((id) => !stored.has(id)),
    [],
  );
});

test('close() hands undelivered entries over at once: another process takes them without waiting for claimIdleMs', async () => {
  const stream = fresh();
  const down = await startFaultServer(() => ({ status: 503, body: 'down' }));
  const first = new RedisStore({ redis: redis.url, stream, consumer: 'first', claimIdleMs: 600_000, logger: quiet });
  const leaving = RudderAnalytics.load('key', down.url, { storage: first, logger: quiet, retry: { minDelayMs: 5_000 } });
  const ids = Array.from({ length: 30 }, (_, i) => leaving.track({ userId: 'u', event: 'Handed Over', properties: { i } }));
  await first.flush(); // added: durable from here
  await leaving.close({ timeoutMs: 200 }); // the data plane is down: close() gives up, the entries stay
  await down.close();

  const second = new RedisStore({ redis: redis.url, stream, consumer: 'second', claimIdleMs: 600_000, logger: quiet });
  const taking = RudderAnalytics.load(dataPlane.writeKey, dataPlane.url, { storage: second, logger: quiet });
  await taking.close(); // flush() waits for entries it took over
  assert.equal(second.stats().claimed, 30);
  const stored = new Set(dataPlane.events({ limit: 1000 }).map((e) => e.messageId));
  assert.deepEqual(
    ids.filter((id) => !stored.has(id)),
    [],
  );
});

test('flush() and close() settle when Redis is unreachable; events are still delivered from memory', async () => {
  const server = await startFaultServer();
  const store = new RedisStore({ redis: 'redis://127.0.0.1:1', stream: fresh(), timeoutMs: 300, logger: quiet });
  const client = RudderAnalytics.load('key', server.url, { storage: store, logger: quiet });
  await client.send({ type: 'track', userId: 'u', event: 'No Redis' });
  await client.flush();
  await client.close();
  await server.close();
  assert.equal(server.delivered().length, 1);
});

test("maxLen with whenFull 'reject': events past the bound are not stored (counted, warned) but still delivered", async () => {
  const stream = fresh();
  const server = await startFaultServer();
  const warnings: string[] = [];
  const store = new RedisStore({ redis: redis.url, stream, maxLen: 10, logger: { warn: (m) => warnings.push(m) } });
  // Nothing is delivered (and deleted from the stream) before close: the interval is long, flushAt high.
  const client = RudderAnalytics.load('key', server.url, { storage: store, logger: quiet, flushInterval: 60_000 });
  for (let i = 0; i < 25; i++) client.track({ userId: 'u', event: 'Bounded', properties: { i } });
  await store.flush();
  const raw = new Redis(redis.url);
  try {
    assert.equal(await raw.xlen(stream), 10);
    assert.deepEqual({ added: store.stats().added, notDurable: store.stats().notDurable }, { added: 10, notDurable: 15 });
    assert.equal(warnings.filter((w) => /maxLen \(10\)/.test(w)).length, 1);
    await client.close();
    assert.equal(server.delivered().length, 25);
    assert.equal(await raw.xlen(stream), 0);
  } finally {
    raw.disconnect();
    await server.close();
  }
});
