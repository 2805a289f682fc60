/**
 * The exact bytes on the wire, pinned: key order, no extra whitespace, where sentAt goes. Only the
 * volatile values (generated ids and times) are masked, in the raw text, so the shape cannot drift.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useFaultServer } from './support/fault-server.js';
import { testClient } from './support/client.js';

const server = useFaultServer();

function mask(text: string): string {
  return text
    .replace(/"messageId":"[0-9a-f-]{36}"/g, '"messageId":"<uuid>"')
    .replace(/"originalTimestamp":"[^"]+"/g, '"originalTimestamp":"<ts>"')
    .replace(/"sentAt":"[^"]+"/g, '"sentAt":"<ts>"');
}

// The caller's fields in the caller's order, then what the SDK adds when absent, then sentAt.
const TAIL =
  '"messageId":"<uuid>","context":{"library":{"name":"rudderanalytics","version":"0.1.0"}},"integrations":{"All":true},"originalTimestamp":"<ts>","channel":"server","sentAt":"<ts>"}';

test('each call type serializes to exactly these bytes', async () => {
  const { client } = testClient(server.url, { gzip: false });
  client.identify({ userId: 'u1', traits: { name: 'Ada', plan: 'pro' } });
  client.track({ userId: 'u1', anonymousId: 'a1', event: 'Order Completed', properties: { revenue: 19.99, items: [1, 2] } });
  client.page({ anonymousId: 'a1', name: 'Home', category: 'Landing', properties: { path: '/' } });
  client.screen({ userId: 'u1', name: 'Settings' });
  client.group({ userId: 'u1', groupId: 'g1', traits: { employees: 12 } });
  client.alias({ userId: 'u1', previousId: 'a1' });
  client.track({
    userId: 'u2',
    event: 'Backfilled',
    context: { ip: '1.2.3.4' },
    integrations: { All: false, Mixpanel: true },
    timestamp: '2024-01-01T00:00:00.000Z',
  });
  await client.close();
  assert.equal(server.requests.length, 1);
  const expected =
    '{"batch":[' +
    [
      `{"type":"identify","userId":"u1","traits":{"name":"Ada","plan":"pro"},${TAIL}`,
      `{"type":"track","userId":"u1","anonymousId":"a1","event":"Order Completed","properties":{"revenue":19.99,"items":[1,2]},${TAIL}`,
      `{"type":"page","anonymousId":"a1","name":"Home","category":"Landing","properties":{"path":"/"},${TAIL}`,
      `{"type":"screen","userId":"u1","name":"Settings",${TAIL}`,
      `{"type":"group","userId":"u1","groupId":"g1","traits":{"employees":12},${TAIL}`,
      `{"type":"alias","userId":"u1","previousId":"a1",${TAIL}`,
      '{"type":"track","userId":"u2","event":"Backfilled","context":{"ip":"1.2.3.4","library":{"name":"rudderanalytics","version":"0.1.0"}},' +
        '"integrations":{"All":false,"Mixpanel":true},"timestamp":"2024-01-01T00:00:00.000Z","messageId":"<uuid>","originalTimestamp":"<ts>","channel":"server","sentAt":"<ts>"}',
    ].join(',') +
    ']}';
  assert.equal(mask(server.requests[0].text), expected);
  // And the request is exactly as long as the SDK computed: the body is the joined strings, nothing more.
  assert.equal(server.requests[0].raw.length, Buffer.byteLength(server.requests[0].text));
});

// The stamping table (README): what the SDK sets, and when.

test("a replayed stored event keeps every field as given; only sentAt is the SDK's send time", async () => {
  const { client } = testClient(server.url, { gzip: false });
  // A stored event as an export holds it: another SDK's library, the gateway's own fields, extra fields.
  const stored = {
    anonymousId: 'anon-7',
    channel: 'web',
    context: { library: { name: 'RudderLabs JavaScript SDK', version: '1.0.0' }, page: { path: '/' }, traits: {} },
    event: 'Product Viewed',
    integrations: { All: true },
    messageId: 'e3c0f2a4-98e1-4d5e-a3b0-2d6c0e9a7c11',
    originalTimestamp: '2020-01-08T13:45:10.181Z',
    properties: { sku: 'G-32' },
    receivedAt: '2020-01-08T13:45:11.320+05:30',
    request_ip: '[::1]:58374',
    rudderId: '8f8fa6b5-8e24-489c-8e22-61f23f2e364f',
    sentAt: '2020-01-08T13:45:10.181Z',
    session_id: 1578491110,
    type: 'track',
    userId: 'u-7',
  };
  const before = Date.now();
  await client.send(stored);
  const after = Date.now();
  const { sentAt, ...rest } = stored;
  const text = server.requests[0].text;
  const sent = JSON.parse(text).batch[0].sentAt as string;
  assert.equal(text, `{"batch":[${JSON.stringify(rest).slice(0, -1)},"sentAt":"${sent}"}]}`);
  assert.notEqual(sent, sentAt);
  assert.ok(Date.parse(sent) >= before - 1 && Date.parse(sent) <= after + 1, 'sentAt is the time of sending');
  await client.close();
});

test('timestamps: a Date and epoch ms become ISO 8601; an ISO string is kept as given; anything else is sent as given, warned', async () => {
  const { client, logs } = testClient(server.url, { gzip: false });
  const warned: string[] = [];
  client.on('warning', (w) => warned.push(w.field));
  client.track({ userId: 'u', event: 'A', originalTimestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), timestamp: 1704164645006 });
  client.track({ userId: 'u', event: 'B', originalTimestamp: '2024-01-02T05:04:05.006+02:00', timestamp: '2024-01-02' });
  client.track({ userId: 'u', event: 'C', originalTimestamp: 'NOW', timestamp: '2015-2-02T00:30:08.276Z' });
  await client.close();
  const [a, b, c] = server.requests[0].events;
  assert.deepEqual([a.originalTimestamp, a.timestamp], ['2024-01-02T03:04:05.006Z', '2024-01-02T03:04:05.006Z']);
  assert.deepEqual([b.originalTimestamp, b.timestamp], ['2024-01-02T05:04:05.006+02:00', '2024-01-02']);
  assert.deepEqual([c.originalTimestamp, c.timestamp], ['NOW', '2015-2-02T00:30:08.276Z']);
  assert.deepEqual(warned, ['originalTimestamp', 'timestamp']);
  assert.equal(logs.filter((l) => l.level === 'warn').length, 2);
});

test('messageId, integrations, channel and context.library are set only when absent; a blank or non-string messageId is replaced', async () => {
  const { client } = testClient(server.url, { gzip: false });
  const given = client.track({
    userId: 'u',
    event: 'Given',
    messageId: 'm-1',
    channel: 'mobile',
    integrations: { All: false },
    context: { library: { name: 'other', version: '2' } },
  } as never);
  const blank = client.track({ userId: 'u', event: 'Blank', messageId: '\u200B ' });
  client.send({ type: 'track', userId: 'u', event: 'Number', messageId: 42 } as never).catch(() => undefined);
  await client.close();
  const [g, b, n] = server.requests[0].events;
  assert.equal(given, 'm-1');
  assert.deepEqual(
    [g.messageId, g.channel, g.integrations, g.context],
    ['m-1', 'mobile', { All: false }, { library: { name: 'other', version: '2' } }],
  );
  assert.match(b.messageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(b.messageId, blank);
  assert.match(n.messageId, /^[0-9a-f-]{36}$/);
  assert.deepEqual([b.channel, b.integrations, b.context.library.name], ['server', { All: true }, 'rudderanalytics']);
});

test('a batch: context merged recursively under each item (the item wins), integrations and originalTimestamp as defaults', async () => {
  const { client } = testClient(server.url, { gzip: false });
  await client.send({
    type: 'batch',
    context: { app: { name: 'shop', build: '7' }, locale: 'en' },
    integrations: { All: false, Mixpanel: true },
    originalTimestamp: 1704164645006,
    batch: [
      {
        type: 'track',
        userId: 'u',
        event: 'Own',
        context: { app: { build: '8' } },
        integrations: { All: true },
        originalTimestamp: '2024-05-05T00:00:00Z',
      },
      { type: 'identify', userId: 'u', extra: [1, 2] } as never,
    ],
  });
  await client.close();
  const [own, inherited] = server.requests[0].events;
  assert.deepEqual(own.context, { app: { name: 'shop', build: '8' }, locale: 'en', library: { name: 'rudderanalytics', version: '0.1.0' } });
  assert.deepEqual([own.integrations, own.originalTimestamp], [{ All: true }, '2024-05-05T00:00:00Z']);
  assert.deepEqual(inherited.context, { app: { name: 'shop', build: '7' }, locale: 'en', library: { name: 'rudderanalytics', version: '0.1.0' } });
  assert.deepEqual(
    [inherited.integrations, inherited.originalTimestamp, inherited.extra],
    [{ All: false, Mixpanel: true }, '2024-01-02T03:04:05.006Z', [1, 2]],
  );
});
