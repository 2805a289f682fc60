/**
 * A Redis outage mid-run: redis-server is killed, stays away about 1.5 s, and comes back empty on the
 * same port while the client keeps accepting. Nothing accepted may be lost, and an event delivered
 * while Redis was away must not be journaled again and delivered a second time: duplicates are bounded
 * by the batches in flight, not by the traffic of the outage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startDataPlane } from '@rudderanalytics/dataplane';
import { RudderAnalytics } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { within } from '../support/child.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const FLUSH_AT = 100;
const MAX_IN_FLIGHT = 2;

test('redis-server killed mid-run and restarted empty: nothing lost, duplicates at most the batches in flight', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'rudder-redis-outage-'));
  const dataPlane = await startDataPlane({ port: 0, dbPath: join(tmp, 'dataplane.db'), quiet: true });
  let redis: RedisServer = await startRedis();
  const port = redis.port;
  t.after(async () => {
    await dataPlane.close();
    await redis.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  const quiet = { warn: () => undefined, error: () => undefined };
  const store = new RedisStore({ redis: redis.url, logger: quiet, timeoutMs: 5_000 });
  const client = RudderAnalytics.load(dataPlane.writeKey, dataPlane.url, {
    storage: store,
    flushAt: FLUSH_AT,
    maxInFlight: MAX_IN_FLIGHT,
    maxQueueSize: 1_000_000,
    logger: quiet,
    flushOnExit: false,
  });
  t.after(() => client.close({ timeoutMs: 1_000 }));

  const accepted: string[] = [];
  // An object, so the producing loop reads the phase the test sets meanwhile.
  const run = { phase: 'before' as 'before' | 'outage' | 'after' | 'done' };
  const produce = (async () => {
    while (run.phase !== 'done') {
      for (let i = 0; i < 200; i++) accepted.push(client.track({ userId: `u${i % 20}`, event: 'Outage', properties: { phase: run.phase } }));
      await sleep(10); // a steady stream of calls, not a synchronization
    }
  })();
  await within(store.flush(), 'the store started');
  await sleep(1_000);
  run.phase = 'outage';
  await redis.stop(); // SIGKILL: nothing saved, it comes back empty
  await sleep(1_500);
  redis = await startRedis(port);
  run.phase = 'after';
  await sleep(1_000);
  run.phase = 'done';
  await produce;
  // Until nothing waits: entries adopted late (the duplicates this test is about) must be sent before counting.
  const drained = (async () => {
    do await client.flush();
    while (client.stats().queued + client.stats().inFlight > 0);
  })();
  await within(drained, 'everything delivered', 60_000);

  const stats = client.stats();
  const stored = dataPlane.events({ limit: 1_000_000 }).map((e) => e.messageId);
  const unique = new Set(stored);
  const missing = accepted.filter((id) => !unique.has(id));
  const duplicates = stored.length - unique.size;
  t.diagnostic(
    `accepted ${accepted.length}, stored ${stored.length}, duplicates ${duplicates}, client ${JSON.stringify(stats)}, store ${JSON.stringify(store.stats())}`,
  );
  assert.deepEqual(missing, [], `${missing.length} accepted event(s) lost`);
  assert.ok(duplicates <= FLUSH_AT * MAX_IN_FLIGHT, `${duplicates} duplicates: more than the batches in flight`);
  assert.ok(stats.replayed <= FLUSH_AT * MAX_IN_FLIGHT, `${stats.replayed} of its own events came back from Redis`);
  assert.ok(stats.delivered <= stats.accepted + stats.replayed, 'delivered never exceeds what entered the queue');
  assert.equal(stats.accepted + stats.replayed, stats.delivered + stats.failed + stats.dropped + stats.queued + stats.inFlight + stats.persisted);
});
