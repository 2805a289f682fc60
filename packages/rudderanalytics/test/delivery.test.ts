import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../src/index.js';
import { useFaultServer } from './support/fault-server.js';
import { testClient, WRITE_KEY } from './support/client.js';

const server = useFaultServer();

describe('delivery over HTTP', () => {
  test('every call type reaches POST /v1/batch with Basic auth and gzip', async () => {
    const { client } = testClient(`${server.url}/`); // trailing slash tolerated
    const ids = [
      client.identify({ userId: 'u1', traits: { email: 'a@example.com' } }),
      client.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 19.99 } }),
      client.page({ anonymousId: 'a1', name: 'Home', properties: { path: '/' } }),
      client.screen({ userId: 'u1', name: 'Settings' }),
      client.group({ userId: 'u1', groupId: 'g1', traits: { plan: 'pro' } }),
      client.alias({ userId: 'u1', previousId: 'a1' }),
    ];
    await client.close();
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/batch');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
    assert.equal(request.headers['content-encoding'], 'gzip');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(
      request.events.map((e) => e.type),
      ['identify', 'track', 'page', 'screen', 'group', 'alias'],
    );
    assert.deepEqual(
      request.events.map((e) => e.messageId),
      ids,
    );
    for (const event of request.events) {
      assert.equal(event.channel, 'server');
      assert.deepEqual(event.context.library, { name: 'rudderanalytics', version: '0.1.0' });
      assert.deepEqual(event.integrations, { All: true });
      assert.match(event.messageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(event.originalTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(event.sentAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(event.sentAt >= event.originalTimestamp);
    }
  });

  test('a data plane URL with a path prefix keeps it', async () => {
    const { client } = testClient(`${server.url}/proxy/rudder`);
    client.track({ userId: 'u1', event: 'E' });
    await client.close();
    assert.equal(server.requests[0].path, '/proxy/rudder/v1/batch');
  });

  // The timeout is the assertion that send() does not wait for the 60 s flush interval.
  test('send() sends at once and resolves when the data plane accepted the event', { timeout: 10_000 }, async () => {
    const { client } = testClient(server.url, { flushInterval: 60_000 });
    await client.send({ type: 'track', userId: 'u1', event: 'Sent', properties: { n: 1 } });
    // No flush was called: send itself waited for the 2xx.
    assert.equal(server.delivered().length, 1);
    assert.equal(client.stats().delivered, 1);
    await client.close();
  });

  test('gzip: false sends plain JSON', async () => {
    const { client } = testClient(server.url, { gzip: false });
    client.track({ userId: 'u1', event: 'Plain' });
    await client.close();
    assert.equal(server.requests[0].headers['content-encoding'], undefined);
    assert.equal(JSON.parse(server.requests[0].raw.toString()).batch[0].event, 'Plain');
  });

  test('caller-chosen messageId and originalTimestamp are kept; a Date is sent as ISO, an ISO string as given', async () => {
    const { client } = testClient(server.url);
    const id = client.track({ userId: 'u1', event: 'E', messageId: 'order-42', originalTimestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) });
    client.track({ userId: 'u1', event: 'F', originalTimestamp: '2024-01-02T03:04:05.006+01:00' });
    await client.close();
    assert.equal(id, 'order-42');
    const [e, f] = server.delivered();
    assert.equal(e.messageId, 'order-42');
    assert.equal(e.originalTimestamp, '2024-01-02T03:04:05.006Z');
    assert.equal(f.originalTimestamp, '2024-01-02T03:04:05.006+01:00');
  });

  test('numeric ids are sent as given', async () => {
    const { client } = testClient(server.url);
    client.identify({ userId: 456 });
    await client.close();
    assert.equal(server.delivered()[0].userId, 456);
  });
});

describe('batch calls', () => {
  test('batch-level context merges under each item, integrations apply to items without their own, each item keeps its own originalTimestamp', async () => {
    const { client } = testClient(server.url);
    await client.send({
      type: 'batch',
      context: { app: { name: 'shop', version: '1.0' }, locale: 'en-US' },
      integrations: { All: false, Amplitude: true },
      originalTimestamp: '2024-05-01T00:00:00.000Z',
      batch: [
        { type: 'identify', userId: 'u1', traits: { a: 1 }, originalTimestamp: '2024-05-01T10:00:00.000Z' },
        { type: 'track', userId: 'u1', event: 'E', context: { app: { version: '2.0' }, ip: '1.2.3.4' }, integrations: { All: true } },
      ],
    });
    const [first, second] = server.delivered();
    assert.equal(first.originalTimestamp, '2024-05-01T10:00:00.000Z');
    assert.equal(second.originalTimestamp, '2024-05-01T00:00:00.000Z');
    assert.deepEqual(first.context, {
      app: { name: 'shop', version: '1.0' },
      locale: 'en-US',
      library: { name: 'rudderanalytics', version: '0.1.0' },
    });
    assert.deepEqual(second.context, {
      app: { name: 'shop', version: '2.0' },
      locale: 'en-US',
      ip: '1.2.3.4',
      library: { name: 'rudderanalytics', version: '0.1.0' },
    });
    assert.deepEqual(first.integrations, { All: false, Amplitude: true });
    assert.deepEqual(second.integrations, { All: true });
    // The server reads only `batch`: nothing may depend on top-level fields.
    const body = JSON.parse(server.requests[0].text);
    assert.deepEqual(Object.keys(body), ['batch']);
    await client.close();
  });

  test('a batch with one bad item is rejected whole, naming the index, and nothing is sent', async () => {
    const { client } = testClient(server.url);
    await assert.rejects(
      client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u1', event: 'ok' }, { type: 'track', userId: ' ', event: 'bad' } as never] }),
      (error: unknown) => error instanceof ValidationError && error.index === 1 && error.field === 'batch[1].userId',
    );
    assert.equal(client.stats().accepted, 0);
    await client.close();
    assert.equal(server.requests.length, 0);
  });

  test('a bad call does not poison the batch of good ones around it', async () => {
    const { client } = testClient(server.url);
    client.track({ userId: 'u1', event: 'before' });
    assert.throws(() => client.track({ userId: '\u200B', event: 'bad' }), ValidationError);
    client.track({ userId: 'u1', event: 'after' });
    await client.close();
    assert.equal(server.requests.length, 1);
    assert.deepEqual(
      server.delivered().map((e) => e.event),
      ['before', 'after'],
    );
  });
});
