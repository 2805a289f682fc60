/**
 * 50,000 events through the SDK against a data plane that fails about a third of its requests in every
 * way we know (5xx, 429 with and without Retry-After, resets mid-request, stalls past the deadline,
 * lost acks, responses that are not HTTP, 413 above its size cap, slow answers). Nothing may be lost,
 * the books must balance, and memory must stay bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RudderAnalytics, TimeoutError, type DeliveryError, type DroppedError } from '../../src/index.js';
import { MIXED, startChaosServer, type FaultKind } from '../support/chaos-server.ts';
import { collectGarbage, mb, recordUnhandledRejections, sampleMemory, yieldToLoop } from '../support/watch.ts';

const EVENTS = 50_000;
const SEED = Number(process.env.CHAOS_SEED ?? 20261127);
const RETRY_AFTER_S = 1;
const SERVER_MAX_BODY = 48_000;
const BACKLOG = 19_000;

/** Resolves once fewer than `limit` events are queued or in flight, on the client's own 'delivered' events. */
function backlogBelow(client: RudderAnalytics, limit: number): Promise<void> {
  const below = () => {
    const s = client.stats();
    return s.queued + s.inFlight < limit;
  };
  if (below()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.on('delivered', () => {
      if (!below()) return;
      off();
      resolve();
    });
  });
}

/** A payload between a few bytes and ~1.5 KB, a quarter of them multibyte (3- and 4-byte UTF-8). */
function payload(i: number): Record<string, unknown> {
  const len = (i * 7919) % 600;
  const text = i % 4 === 0 ? '€😀é'.repeat(Math.ceil(len / 4)) : 'x'.repeat(len);
  return { i, text, nested: { even: i % 2 === 0, list: [i, String(i)] } };
}

test(`${EVENTS} events under a mixed fault profile: none lost, books balance, memory bounded`, async (t) => {
  const rejections = recordUnhandledRejections();
  const server = await startChaosServer({
    seed: SEED,
    mix: MIXED,
    maxBodyBytes: SERVER_MAX_BODY,
    retryAfter: String(RETRY_AFTER_S),
    writeKey: 'wk_chaos',
  });
  const logged: string[] = [];
  const client = RudderAnalytics.load('wk_chaos', server.url, {
    timeoutMs: 300,
    retry: { minDelayMs: 5, maxDelayMs: 50, maxAttempts: 50 },
    flushAt: 100,
    flushInterval: 20,
    maxBatchBytes: 64_000,
    maxInFlight: 4,
    flushOnExit: false,
    logger: { warn: (m) => logged.push(m), error: (m) => logged.push(m) },
  });
  t.after(async () => {
    rejections.stop();
    await client.close({ timeoutMs: 0 });
    await server.close();
  });
  const errors: DeliveryError[] = [];
  const dropped: DroppedError[] = [];
  let retryEvents = 0;
  client.on('error', (e) => errors.push(e));
  client.on('dropped', (e) => dropped.push(e));
  // Batches whose attempt timed out on the client: a 429 the server wrote after that deadline was never
  // read, so that batch's next attempt follows the backoff, not the Retry-After (a loaded machine does this).
  const timedOut = new Set<string>();
  client.on('retry', (info) => {
    retryEvents++;
    if (info.error instanceof TimeoutError) timedOut.add(info.messageIds[0]);
  });

  const memory = sampleMemory();
  const accepted: string[] = [];
  const sends: Promise<void>[] = [];
  let peaks: ReturnType<typeof memory.stop>;
  let lastYield = 0;
  const types = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
  try {
    for (let i = 0; i < EVENTS;) {
      const userId = `user-${i % 997}`;
      if (i % 50 === 0) {
        // A batch call of five, through send(), whose promise must settle too.
        const batch = Array.from({ length: 5 }, (_, k) => ({
          type: 'track' as const,
          event: 'Batched',
          anonymousId: `anon-${i + k}`,
          messageId: `batch-${i + k}`,
          properties: payload(i + k),
        }));
        sends.push(client.send({ type: 'batch', batch }));
        accepted.push(...batch.map((b) => b.messageId));
        i += 5;
      } else if (i % 10 === 0) {
        const messageId = `send-${i}`;
        sends.push(client.send({ type: 'track', event: 'Sent', userId, messageId, properties: payload(i) }));
        accepted.push(messageId);
        i++;
      } else {
        const type = types[i % types.length];
        const base = { userId, context: { ip: '10.0.0.1' } };
        const id =
          type === 'track'
            ? client.track({ ...base, event: 'Order Completed', properties: payload(i) })
            : type === 'identify'
              ? client.identify({ ...base, traits: payload(i) })
              : type === 'page'
                ? client.page({ ...base, name: 'Home', properties: payload(i) })
                : type === 'screen'
                  ? client.screen({ ...base, name: 'Main', properties: payload(i) })
                  : type === 'group'
                    ? client.group({ ...base, groupId: `g-${i % 13}`, traits: payload(i) })
                    : client.alias({ userId, previousId: `old-${i}` });
        accepted.push(id);
        i++;
      }
      if (i - lastYield >= 250) {
        lastYield = i;
        await yieldToLoop();
        // A producer that outruns a failing data plane holds at most the default queue's worth
        // (20,000) ahead, so the queue is bounded and memory measures the SDK, not a 50k backlog.
        await backlogBelow(client, BACKLOG);
      }
    }
    await client.flush();
  } finally {
    peaks = memory.stop();
  }
  const settled = await Promise.allSettled(sends);
  const stats = client.stats();
  await client.close({ timeoutMs: 1000 });

  collectGarbage();
  const retained = process.memoryUsage().heapUsed - peaks.baseline.heapUsed;
  const chaos = server.stats();
  t.diagnostic(`seed ${SEED}; server: ${JSON.stringify(chaos)}`);
  t.diagnostic(`client: ${JSON.stringify(stats)}`);
  t.diagnostic(
    `memory: heap ${mb(peaks.baseline.heapUsed)} → peak live ${mb(peaks.peakLiveHeap)} MB (peak with garbage ${mb(peaks.peakHeapUsed)} MB), rss ${mb(peaks.baseline.rss)} → peak ${mb(peaks.peakRss)} MB (${peaks.samples} samples); retained after close and GC ${mb(retained)} MB`,
  );
  t.diagnostic(`Retry-After gaps (ms): min ${Math.min(...server.retryAfterGaps)} over ${server.retryAfterGaps.length}`);

  // The books balance, and nothing is left behind.
  assert.equal(stats.accepted, accepted.length);
  assert.equal(stats.queued, 0);
  assert.equal(stats.inFlight, 0);
  assert.equal(stats.delivered + stats.failed + stats.dropped, stats.accepted);
  assert.deepEqual({ failed: stats.failed, dropped: stats.dropped }, { failed: 0, dropped: 0 });
  assert.deepEqual(errors, []);
  assert.deepEqual(dropped, []);

  // Every accepted event was stored at least once, and nothing else was.
  const missing = accepted.filter((id) => !server.stored.has(id));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} accepted events never stored`);
  assert.equal(server.stored.size, accepted.length);
  assert.equal(new Set(accepted).size, accepted.length, 'messageIds are unique');
  // Only a lost ack (the server stored, the client never heard) may store an event twice.
  const lostAcks = chaos.tally['lost-ack'] + chaos.tally['stall-body'];
  assert.ok(chaos.duplicates <= lostAcks * 100, `${chaos.duplicates} duplicates from ${lostAcks} lost acks`);

  // Every send() promise resolved: delivered means resolved.
  const rejected = settled.filter((s) => s.status === 'rejected');
  assert.deepEqual(rejected.slice(0, 3), []);

  // Every kind of fault really happened, and every failed attempt was retried.
  for (const kind of Object.keys(MIXED) as FaultKind[]) assert.ok(chaos.tally[kind] > 0, `fault ${kind} never drawn`);
  assert.ok(chaos.tally['413'] > 0, 'no batch exceeded the server cap: the split path was not exercised');
  assert.equal(chaos.tally['400'] + chaos.tally['401'] + chaos.tally['500-gzip'], 0, 'the SDK sent something the gateway refuses');
  assert.ok(chaos.largestBody <= 64_000);
  const failedAttempts = chaos.requests - chaos.tally.ok - chaos.tally.slow - chaos.tally['413'];
  assert.ok(stats.retried >= failedAttempts, `retried ${stats.retried} < failed attempts ${failedAttempts}`);
  assert.equal(retryEvents, stats.retried);
  // Retry-After is honoured: the same batch never came back sooner.
  const heard = server.retryAfterGaps.filter((_, i) => !timedOut.has(server.retryAfterKeys[i]));
  assert.ok(heard.length > 0);
  assert.ok(Math.min(...heard) >= RETRY_AFTER_S * 1000 - 5, `gaps ${heard}`);

  assert.deepEqual(rejections.reasons, [], 'unhandled rejections');
  // Live heap (after full GCs): the 20,000-event backlog plus batches in flight is ~40 MB; a leak of the
  // 50,000 events (or of their batches across retries) would pass 100 MB.
  const liveGrowth = peaks.peakLiveHeap - peaks.baseline.heapUsed;
  assert.ok(liveGrowth < 100 * 1048576, `live heap grew ${mb(liveGrowth)} MB`);
  assert.ok(peaks.peakRss - peaks.baseline.rss < 400 * 1048576, `rss grew ${mb(peaks.peakRss - peaks.baseline.rss)} MB`);
  // What is still live after close is the test's own bookkeeping (50k ids, the server's map), not the client's.
  assert.ok(retained < 30 * 1048576, `retained ${mb(retained)} MB after close`);
  // Retries are logged at debug only; nothing at warn/error for a run that lost nothing.
  assert.deepEqual(logged, []);
});
