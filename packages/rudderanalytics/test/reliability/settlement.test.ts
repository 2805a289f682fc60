/**
 * Every accepted event settles exactly once — delivered, failed or dropped — and is reported once, by
 * messageId, however it ends: retries used up under chaos, the queue overflowing during an outage
 * (each policy), or close() running out of time with requests still out. Late answers to abandoned
 * requests change nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryError, DroppedError, RudderAnalytics, type LoadOptions, type OverflowPolicy } from '../../src/index.js';
import { MIXED, startChaosServer } from '../support/chaos-server.ts';
import { startFaultServer } from '../support/fault-server.ts';
import { recordUnhandledRejections, yieldToLoop } from '../support/watch.ts';

type Outcome = 'delivered' | 'failed' | 'dropped';

/** Records, per messageId, every outcome the client reported. */
function ledger(client: RudderAnalytics) {
  const outcomes = new Map<string, Outcome[]>();
  const note = (ids: string[], outcome: Outcome) => {
    for (const id of ids) outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]);
  };
  client.on('delivered', (d) => note(d.messageIds, 'delivered'));
  client.on('error', (e) => note(e.messageIds, 'failed'));
  client.on('dropped', (e) => note(e.messageIds, 'dropped'));
  return {
    outcomes,
    /** Asserts that each id settled exactly once, and returns the ids by outcome. */
    settledOnce(ids: string[]): Record<Outcome, string[]> {
      const by: Record<Outcome, string[]> = { delivered: [], failed: [], dropped: [] };
      for (const id of ids) {
        const list = outcomes.get(id) ?? [];
        assert.equal(list.length, 1, `${id}: ${JSON.stringify(list)}`);
        by[list[0]].push(id);
      }
      assert.equal(outcomes.size, ids.length, 'outcomes for ids never accepted');
      return by;
    },
  };
}

const QUICK: LoadOptions = { flushOnExit: false, flushInterval: 5, flushAt: 50, maxInFlight: 4, logger: {} };

test('retries used up under chaos: each event delivered or failed, once; delivered ones are stored', async (t) => {
  const rejections = recordUnhandledRejections();
  const server = await startChaosServer({ seed: 7, mix: { ...MIXED, ok: 20, slow: 0 }, maxBodyBytes: 8_000, retryAfter: '0' });
  const client = RudderAnalytics.load('wk', server.url, { ...QUICK, timeoutMs: 100, retry: { minDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
  t.after(async () => {
    rejections.stop();
    await client.close({ timeoutMs: 0 });
    await server.close();
  });
  const book = ledger(client);
  const ids: string[] = [];
  for (let i = 0; i < 5_000; i++) {
    ids.push(client.track({ userId: `u${i % 10}`, event: 'E', properties: { i, pad: 'x'.repeat(i % 300) } }));
    if (i % 250 === 0) await yieldToLoop();
  }
  await client.flush();
  const stats = client.stats();
  const by = book.settledOnce(ids);
  t.diagnostic(`delivered ${by.delivered.length}, failed ${by.failed.length}; server ${JSON.stringify(server.stats().tally)}`);
  assert.ok(by.failed.length > 0 && by.delivered.length > 0, 'both outcomes exercised');
  assert.deepEqual(
    { delivered: stats.delivered, failed: stats.failed, dropped: stats.dropped, queued: stats.queued, inFlight: stats.inFlight },
    { delivered: by.delivered.length, failed: by.failed.length, dropped: 0, queued: 0, inFlight: 0 },
  );
  for (const id of by.delivered) assert.ok(server.stored.has(id), `${id} reported delivered but never stored`);
  assert.deepEqual(rejections.reasons, []);
});

for (const overflow of ['drop-newest', 'drop-oldest', 'throw'] as OverflowPolicy[]) {
  test(`queue overflow during an outage (${overflow}): dropped events never reach the data plane, all others do`, async (t) => {
    const rejections = recordUnhandledRejections();
    const server = await startChaosServer({ mix: { '503': 1 } });
    const client = RudderAnalytics.load('wk', server.url, {
      ...QUICK,
      maxQueueSize: 400,
      overflow,
      timeoutMs: 1_000,
      retry: { minDelayMs: 1, maxDelayMs: 10, maxAttempts: 1_000_000, maxElapsedMs: 60_000 },
    });
    t.after(async () => {
      rejections.stop();
      await client.close({ timeoutMs: 0 });
      await server.close();
    });
    const book = ledger(client);
    const returned: string[] = [];
    let thrown = 0;
    for (let i = 0; i < 2_000; i++) {
      try {
        returned.push(client.track({ userId: 'u', event: 'E', properties: { i } }));
      } catch (error) {
        assert.ok(error instanceof DroppedError && error.reason === 'queue_full', String(error));
        thrown++;
      }
      if (i % 100 === 0) await yieldToLoop();
    }
    server.setMix({ ok: 1 }); // the outage ends
    await client.flush();
    const stats = client.stats();
    const settled = [...book.outcomes.keys()];
    const by = book.settledOnce(settled);
    t.diagnostic(`${overflow}: accepted ${stats.accepted}, delivered ${by.delivered.length}, dropped ${by.dropped.length}, thrown ${thrown}`);
    assert.equal(by.failed.length, 0);
    assert.equal(stats.delivered + stats.dropped, stats.accepted);
    assert.equal(stats.dropped, by.dropped.length);
    assert.deepEqual({ queued: stats.queued, inFlight: stats.inFlight }, { queued: 0, inFlight: 0 });
    if (overflow === 'throw') {
      // A call that throws was refused, like a bad call: neither accepted nor dropped.
      assert.ok(thrown > 0);
      assert.equal(by.dropped.length, 0);
      assert.equal(stats.accepted, returned.length);
      assert.equal(returned.length + thrown, 2_000);
    } else {
      assert.ok(by.dropped.length > 0);
      assert.equal(returned.length, 2_000);
    }
    for (const id of by.dropped) assert.ok(!server.stored.has(id), `dropped ${id} was stored`);
    assert.deepEqual([...server.stored.keys()].sort(), [...by.delivered].sort());
    if (overflow === 'drop-oldest') {
      // The newest events survive: the last call made is among the delivered.
      assert.ok(by.delivered.includes(returned[returned.length - 1]));
    }
    if (overflow === 'drop-newest') {
      // The oldest events survive: the first call made is delivered.
      assert.ok(by.delivered.includes(returned[0]));
    }
    assert.deepEqual(rejections.reasons, []);
  });
}

test('close() out of time with requests out: all settle as dropped, promises settle, late answers change nothing', async (t) => {
  const rejections = recordUnhandledRejections();
  // Every answer is a success that comes long after close() gave up.
  const server = await startChaosServer({ mix: { slow: 1 }, slowMs: { min: 300, max: 400 } });
  const requests: Promise<unknown>[] = [];
  const client = RudderAnalytics.load('wk', server.url, { ...QUICK, timeoutMs: 5_000, waitUntil: (p) => void requests.push(p) });
  t.after(async () => {
    rejections.stop();
    await server.close();
  });
  const book = ledger(client);
  const ids: string[] = [];
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 1_000; i++) {
    if (i % 4 === 0) {
      const messageId = `send-${i}`;
      sends.push(client.send({ type: 'track', userId: 'u', event: 'E', messageId }));
      ids.push(messageId);
    } else ids.push(client.track({ userId: 'u', event: 'E' }));
  }
  await server.waitForRequests(1);
  await client.close({ timeoutMs: 50 });
  const atClose = client.stats();
  const settled = await Promise.allSettled(sends);
  assert.ok(settled.every((s) => s.status === 'rejected' && s.reason instanceof DroppedError && s.reason.reason === 'closed'));
  assert.deepEqual(
    { ...atClose, accepted: 0 },
    { accepted: 0, replayed: 0, queued: 0, inFlight: 0, delivered: 0, retried: 0, failed: 0, dropped: ids.length, persisted: 0 },
  );
  // Every request the client made has now ended, answered 200 after the client let go of it.
  await Promise.allSettled(requests);
  assert.ok(requests.length > 0);
  assert.deepEqual(client.stats(), atClose, 'a late answer changed the books');
  assert.deepEqual(book.settledOnce(ids).dropped.length, ids.length);
  t.diagnostic(
    `${ids.length} dropped at close; ${server.stats().storedEvents} of them were stored anyway by answers that came too late (at-least-once, not exactly-once)`,
  );
  assert.deepEqual(rejections.reasons, []);
});

test('a 3xx redirect is not "delivered" (fetch turns the POST into a bodyless GET)', async () => {
  for (const status of [301, 302, 303, 307, 308]) {
    const server = await startFaultServer((r) =>
      r.path.startsWith('/v1/batch') ? { status, body: '', headers: { location: '/elsewhere' } } : { status: 200, body: 'ok' },
    );
    const client = RudderAnalytics.load('wk_settlement_3xx', server.url, { flushOnExit: false, retry: { maxAttempts: 2, minDelayMs: 1 } });
    const outcome = await client.send({ type: 'track', userId: 'u', event: 'E' }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await client.close();
    await server.close();
    assert.equal(server.delivered().length, 0, 'the event was never stored');
    assert.equal(client.stats().delivered, 0, `${status}: counted as delivered`);
    assert.ok(outcome instanceof DeliveryError, `${status}: send() ${String(outcome)}`);
    assert.equal(outcome.status, status);
    assert.match(outcome.message, new RegExp(`HTTP ${status}`));
    // Never follow: the body and the Authorization header must not go to another URL.
    assert.ok(
      server.requests.every((r) => r.path.startsWith('/v1/batch')),
      `${status}: redirect followed`,
    );
  }
});
