import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchBody, batchBytes, encodeEvent, SENT_AT_BYTES } from '../src/encode.js';
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
    const body = batchBody(slice, '2024-01-01T00:00:00.000Z');
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

test('MemoryQueue.take cuts at the count and at the byte limit, oldest first', () => {
  const queue = new MemoryQueue();
  for (let i = 0; i < 10; i++) queue.push({ ...encodeEvent({ type: 'track', n: i, messageId: `m${i}` }), seq: i + 1 });
  const one = queue.take(3, 1_000_000);
  assert.deepEqual(
    one.map((e) => e.seq),
    [1, 2, 3],
  );
  const limit = batchBytes(2, one[0].bytes * 2); // room for exactly two events of this size
  assert.deepEqual(
    queue.take(100, limit).map((e) => e.seq),
    [4, 5],
  );
  assert.equal(queue.length, 5);
  assert.deepEqual(
    queue.take(100, 1_000_000).map((e) => e.seq),
    [6, 7, 8, 9, 10],
  );
  assert.equal(queue.length, 0);
  assert.equal(queue.bytes, 0);
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
