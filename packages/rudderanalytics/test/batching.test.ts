import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchBytes, encodeEvent, SENT_AT_BYTES } from '../src/encode.js';
import { Pack } from '../src/pack.js';
import { MemoryQueue } from '../src/queue.js';
import { useFaultServer } from './support/fault-server.js';
import { testClient } from './support/client.js';

const server = useFaultServer();

test('batchBytes predicts the body to the byte, multibyte text included', () => {
  const events = ['a', 'é', '€uro', '😀 emoji', 'plain'].map((text, i) =>
    encodeEvent({ type: 'track', event: text, userId: `u${i}`, messageId: `m${i}` }),
  );
  for (let n = 0; n <= events.length; n++) {
    const slice = events.slice(0, n);
    const body = new TextDecoder().decode(Pack.of(slice, false).body('2024-01-01T00:00:00.000Z'));
    assert.equal(
      batchBytes(
        n,
        slice.reduce((sum, e) => sum + e.bytes, 0),
      ),
      Buffer.byteLength(body),
    );
    if (n)
      assert.deepEqual(
        JSON.parse(body).batch.map((e: { sentAt: string }) => e.sentAt),
        Array(n).fill('2024-01-01T00:00:00.000Z'),
      );
  }
  assert.equal(SENT_AT_BYTES, Buffer.byteLength(',"sentAt":"2024-01-01T00:00:00.000Z"'));
});

test('MemoryQueue cuts batches as events arrive: at flushAt and at the byte limit, oldest first', () => {
  const event = (i: number) => ({ ...encodeEvent({ type: 'track', n: i % 10, messageId: `m${i}` }), seq: i + 1 });
  const size = event(0).bytes;
  // Room for exactly two events of this size per batch, or three by count.
  const queue = new MemoryQueue({ flushAt: 3, maxBatchBytes: batchBytes(2, size * 2) }, false);
  for (let i = 0; i < 5; i++) queue.push(event(i));
  assert.equal(queue.hasFullBatch, true);
  assert.deepEqual(queue.take()!.messageIds(), ['m0', 'm1']);
  assert.deepEqual(queue.take()!.messageIds(), ['m2', 'm3']);
  assert.equal(queue.hasFullBatch, false, 'one event waits for more');
  assert.equal(queue.headSeq, 5);
  assert.deepEqual(queue.take()!.messageIds(), ['m4'], 'taken when due, though not full');
  assert.equal(queue.take(), undefined);
  assert.equal(queue.length, 0);
  assert.equal(queue.bytes, 0);

  const byCount = new MemoryQueue({ flushAt: 3, maxBatchBytes: 1_000_000 }, false);
  for (let i = 0; i < 7; i++) byCount.push(event(i));
  assert.deepEqual(
    byCount.dropOldest(4).map((p) => p.messageIds()),
    [['m0', 'm1', 'm2'], ['m3']],
    'drop-oldest takes whole batches, then part of one',
  );
  assert.equal(byCount.length, 3);
  assert.deepEqual(
    byCount.drain().map((p) => p.messageIds()),
    [['m4', 'm5'], ['m6']],
  );
  assert.equal(byCount.length, 0);

  const partial = new MemoryQueue({ flushAt: 3, maxBatchBytes: 1_000_000 }, false);
  for (let i = 0; i < 2; i++) partial.push(event(i));
  assert.deepEqual(
    partial.dropOldest(1).map((p) => p.messageIds()),
    [['m0']],
  );
  partial.push(event(2));
  assert.deepEqual(partial.take()!.messageIds(), ['m1', 'm2'], 'what a drop leaves of a batch being filled still joins the next events');
});

test('requests never exceed maxBatchBytes, and are filled up to it', async () => {
  const maxBatchBytes = 4096;
  // One request at a time: with two in flight the server may receive them in either order (it does on
  // Node 24+), and this test compares each request with the next one sent.
  const { client } = testClient(server.url, { gzip: false, maxBatchBytes, flushAt: 10_000, maxInFlight: 1 });
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push(client.track({ userId: `user-${i}`, event: 'Sized', properties: { pad: 'ü'.repeat(i % 37) } }));
  await client.flush();
  assert.ok(server.requests.length > 5);
  for (const request of server.requests) assert.ok(request.raw.length <= maxBatchBytes, `${request.raw.length} > ${maxBatchBytes}`);
  // Every request but the last was full: the next request's first event would not have fitted in it.
  server.requests.slice(0, -1).forEach((request, i) => {
    const next = Buffer.byteLength(JSON.stringify(server.requests[i + 1].events[0]));
    assert.ok(request.raw.length + 1 + next > maxBatchBytes, `request ${i} had room for one more`);
  });
  assert.deepEqual(
    server.delivered().map((e) => e.messageId),
    ids,
  );
  await client.close();
});

test('flushAt sends a batch as soon as that many events are queued', async () => {
  const { client } = testClient(server.url, { flushAt: 5, flushInterval: 60_000 });
  for (let i = 0; i < 12; i++) client.track({ userId: 'u', event: `e${i}` });
  await server.waitForRequests(2);
  assert.deepEqual(
    server.requests.map((r) => r.events.length),
    [5, 5],
  );
  await client.close();
  assert.deepEqual(
    server.requests.map((r) => r.events.length),
    [5, 5, 2],
  );
});

test('flushInterval sends a partial batch on its own', async () => {
  const { client } = testClient(server.url, { flushAt: 1000, flushInterval: 20 });
  client.track({ userId: 'u', event: 'lonely' });
  await server.waitForRequests(1);
  assert.equal(server.requests[0].events[0].event, 'lonely');
  await client.close();
});
