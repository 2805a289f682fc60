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

const LIB = '"context":{"library":{"name":"rudderanalytics","version":"0.1.0"}},"integrations":{"All":true}';
const TAIL = '"messageId":"<uuid>","originalTimestamp":"<ts>","channel":"server","sentAt":"<ts>"}';

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
      `{"type":"identify","userId":"u1","traits":{"name":"Ada","plan":"pro"},${LIB},${TAIL}`,
      `{"type":"track","event":"Order Completed","userId":"u1","anonymousId":"a1","properties":{"revenue":19.99,"items":[1,2]},${LIB},${TAIL}`,
      `{"type":"page","name":"Home","category":"Landing","anonymousId":"a1","properties":{"path":"/"},${LIB},${TAIL}`,
      `{"type":"screen","name":"Settings","userId":"u1",${LIB},${TAIL}`,
      `{"type":"group","groupId":"g1","userId":"u1","traits":{"employees":12},${LIB},${TAIL}`,
      `{"type":"alias","previousId":"a1","userId":"u1",${LIB},${TAIL}`,
      '{"type":"track","event":"Backfilled","userId":"u2","context":{"ip":"1.2.3.4","library":{"name":"rudderanalytics","version":"0.1.0"}},' +
        '"integrations":{"All":false,"Mixpanel":true},"messageId":"<uuid>","originalTimestamp":"<ts>","timestamp":"2024-01-01T00:00:00.000Z","channel":"server","sentAt":"<ts>"}',
    ].join(',') +
    ']}';
  assert.equal(mask(server.requests[0].text), expected);
  // And the request is exactly as long as the SDK computed: the body is the joined strings, nothing more.
  assert.equal(server.requests[0].raw.length, Buffer.byteLength(server.requests[0].text));
});
