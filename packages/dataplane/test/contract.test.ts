// The wire contract (shared CONTRACT.md), checked with real HTTP requests against a started server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { DataPlane } from '../src/index.js';
import { basic, post, startTestPlane, track } from './support/helpers.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let dp: DataPlane & { stop(): Promise<void> };
before(async () => {
  dp = await startTestPlane({
    writeKeys: [
      { writeKey: 'other_key_0123456789', name: 'other' },
      { writeKey: 'off_key_0123456789', name: 'off', disabled: true },
    ],
  });
});
after(() => dp.stop());
beforeEach(() => dp.clear());

async function expectError(p: Promise<{ status: number; text: string; headers: Headers }>, status: number, message: string) {
  const r = await p;
  assert.equal(r.status, status, `body: ${r.text}`);
  assert.equal(r.text, `${message}\n`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(dp.count(), 0, 'a rejected request must store nothing');
}

describe('authentication', () => {
  const noKey = 'failed to read writekey from header';
  test('no Authorization header → 401', () => expectError(post(dp, '/v1/track', track(), { key: null }), 401, noKey));
  test('a scheme other than Basic → 401', () => expectError(post(dp, '/v1/track', track(), { authorization: `Bearer ${dp.writeKey}` }), 401, noKey));
  test('an empty username → 401', () => expectError(post(dp, '/v1/track', track(), { authorization: basic('', dp.writeKey) }), 401, noKey));
  test('no ":" in the decoded value → 401', () =>
    expectError(post(dp, '/v1/track', track(), { authorization: `Basic ${Buffer.from(dp.writeKey).toString('base64')}` }), 401, noKey));
  test('base64 that does not decode → 401', () => expectError(post(dp, '/v1/track', track(), { authorization: 'Basic %%%not-base64' }), 401, noKey));
  test('an unknown write key → 401 invalid write key', () =>
    expectError(post(dp, '/v1/track', track(), { key: 'nope_0123456789' }), 401, 'invalid write key'));
  test('a disabled source → 404 source is disabled', () =>
    expectError(post(dp, '/v1/track', track(), { key: 'off_key_0123456789' }), 404, 'source is disabled'));
  test('auth is checked before the body is read: bad key + bad body → 401', () =>
    expectError(post(dp, '/v1/batch', '{not json', { key: 'nope_0123456789' }), 401, 'invalid write key'));
  test('the password is ignored and the scheme is case-insensitive', async () => {
    const r = await post(dp, '/v1/track', track(), {
      authorization: `basic ${Buffer.from(`${dp.writeKey}:whatever`).toString('base64')}`,
    });
    assert.equal(r.status, 200);
    assert.equal(dp.count(), 1);
  });
  test('events are stored under the source name, never the key', async () => {
    assert.equal((await post(dp, '/v1/track', track(), { key: 'other_key_0123456789' })).status, 200);
    const [row] = dp.events();
    assert.equal(row.source, 'other');
    assert.ok(!JSON.stringify(row).includes('other_key_0123456789'));
  });
});

describe('body', () => {
  test('gzip (exactly "gzip") is inflated', async () => {
    const r = await post(dp, '/v1/batch', { batch: [track(), track({ type: 'page', name: 'Home' })] }, { gzip: true });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok');
    assert.equal(dp.count(), 2);
  });
  test('any other Content-Encoding value is read as plain JSON', () =>
    expectError(post(dp, '/v1/track', gzipSync(JSON.stringify(track())), { headers: { 'Content-Encoding': 'GZIP' } }), 400, 'invalid json'));
  test('corrupt gzip → 500 failed to read body from request', async () => {
    const good = gzipSync(JSON.stringify(track()));
    const corrupt = Buffer.concat([good.subarray(0, 10), Buffer.from('this is not deflate data at all')]);
    await expectError(post(dp, '/v1/track', corrupt, { headers: { 'Content-Encoding': 'gzip' } }), 500, 'failed to read body from request');
  });
  test('a plain body over 4,096,000 bytes → 413', async () => {
    const event = track({ properties: { pad: 'x'.repeat(4_096_000) } });
    await expectError(post(dp, '/v1/track', event), 413, 'request size exceeds max limit');
  });
  test('a small gzip that inflates past the cap → 413 without inflating it all', async () => {
    // 8 MB of JSON-ish padding whose gzip trailer is corrupted: a server that inflated the whole
    // body before checking the size would hit the bad CRC and answer 500 instead of 413.
    const big = Buffer.from(`{"userId":"u1","pad":"${'x'.repeat(8 * 1024 * 1024)}"}`);
    const bomb = gzipSync(big);
    assert.ok(bomb.length < 64 * 1024, 'the bomb itself is small');
    bomb.writeUInt32LE((bomb.readUInt32LE(bomb.length - 8) ^ 0xffffffff) >>> 0, bomb.length - 8);
    await expectError(post(dp, '/v1/track', bomb, { headers: { 'Content-Encoding': 'gzip' } }), 413, 'request size exceeds max limit');
  });
  test('maxRequestBytes applies to the decompressed size, the boundary included', async () => {
    const small = await startTestPlane({ maxRequestBytes: 1000 });
    try {
      const sized = (n: number) => {
        const base = JSON.stringify(track({ properties: { pad: '' } }));
        return JSON.stringify(track({ properties: { pad: 'x'.repeat(n - base.length) } }));
      };
      assert.equal(Buffer.byteLength(sized(1000)), 1000);
      assert.equal((await post(small, '/v1/track', sized(1000), { gzip: true })).status, 200);
      const over = await post(small, '/v1/track', sized(1001), { gzip: true });
      assert.equal(over.status, 413);
      assert.equal((await post(small, '/v1/track', sized(1001))).status, 413);
      assert.equal(small.count(), 1);
    } finally {
      await small.stop();
    }
  });
});

describe('validation', () => {
  test('invalid JSON → 400 invalid json', () => expectError(post(dp, '/v1/batch', '{"batch":['), 400, 'invalid json'));
  test('an empty body → 400 invalid json', () => expectError(post(dp, '/v1/track', ''), 400, 'invalid json'));
  test('an empty gzip body → 400 invalid json', () =>
    expectError(post(dp, '/v1/track', Buffer.alloc(0), { headers: { 'Content-Encoding': 'gzip' } }), 400, 'invalid json'));
  test('a single endpoint with an array root → 400', () => expectError(post(dp, '/v1/track', [track()]), 400, 'event is not a valid rudder event'));
  test('batch missing → 400 empty batch payload', () =>
    expectError(post(dp, '/v1/batch', { sentAt: '2026-01-01T00:00:00.000Z' }), 400, 'empty batch payload'));
  test('batch empty → 400 empty batch payload', () => expectError(post(dp, '/v1/batch', { batch: [] }), 400, 'empty batch payload'));
  test('a batch item that is not an object → 400', () =>
    expectError(post(dp, '/v1/batch', { batch: [track(), 'nope'] }), 400, 'event is not a valid rudder event'));

  const unidentifiable: Array<[string, Record<string, unknown>]> = [
    ['neither id', {}],
    ['blank ids', { userId: '   ', anonymousId: '' }],
    ['null ids', { userId: null, anonymousId: null }],
    ['U+200B', { userId: '\u200b' }],
    ['U+0000', { anonymousId: '\u0000' }],
    ['U+00A0', { userId: ' \u00a0 ' }],
    ['U+034F', { userId: '\u034f' }],
    ['tab, newline, U+FEFF, U+3164', { anonymousId: '\t\n\ufeff\u3164' }],
  ];
  for (const [name, ids] of unidentifiable) {
    test(`no usable id (${name}) → 400`, () =>
      expectError(post(dp, '/v1/track', { event: 'E', ...ids }), 400, 'request neither has anonymousId nor userId'));
  }
  test('non-string ids are JSON-encoded and count: 456, 0, false', async () => {
    for (const ids of [{ userId: 456 }, { anonymousId: 0 }, { userId: false }]) {
      const r = await post(dp, '/v1/identify', ids);
      assert.equal(r.status, 200, JSON.stringify(ids));
    }
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((e) => e.userId ?? e.anonymousId),
      ['456', '0', 'false'],
    );
  });
  test('one bad event rejects the whole batch and stores nothing', () =>
    expectError(
      post(dp, '/v1/batch', { batch: [track(), track({ userId: '\u200b' }), track()] }),
      400,
      'request neither has anonymousId nor userId',
    ));
});

describe('what the server adds', () => {
  test('200 body is exactly "ok"', async () => {
    const r = await post(dp, '/v1/identify', { userId: 'u1', traits: {} });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok');
  });
  test('single endpoints overwrite type; batch items keep theirs', async () => {
    await post(dp, '/v1/track', { type: 'identify', userId: 'u1', event: 'E' });
    await post(dp, '/v1/batch', { batch: [{ type: 'group', userId: 'u1', groupId: 'g' }, { userId: 'u2' }] });
    const rows = dp.events({ order: 'asc' });
    assert.deepEqual(
      rows.map((r) => r.payload.type),
      ['track', 'group', undefined],
    );
    assert.deepEqual(
      rows.map((r) => r.type),
      ['track', 'group', null],
    );
  });
  test('each single endpoint stores its own type', async () => {
    for (const t of ['identify', 'track', 'page', 'screen', 'group', 'alias']) {
      assert.equal((await post(dp, `/v1/${t}`, { userId: 'u1' })).status, 200);
    }
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((r) => r.type),
      ['identify', 'track', 'page', 'screen', 'group', 'alias'],
    );
  });
  test('messageId kept (cleaned), generated when absent, blank or not a string', async () => {
    await post(dp, '/v1/batch', {
      batch: [
        track({ messageId: 'm-1' }),
        track({ messageId: ' \u200bm-2\u0000 ' }),
        track(),
        track({ messageId: ' \u200b ' }),
        track({ messageId: 42 }),
      ],
    });
    const ids = dp.events({ order: 'asc' }).map((r) => r.payload.messageId as string);
    assert.equal(ids[0], 'm-1');
    assert.equal(ids[1], 'm-2');
    for (const id of ids.slice(2)) assert.match(id, UUID_V4);
    assert.equal(new Set(ids).size, 5);
  });
  test('receivedAt is added as ISO 8601 UTC with ms, a present one is kept', async () => {
    const t0 = Date.now();
    await post(dp, '/v1/batch', { batch: [track(), track({ receivedAt: '2020-01-01T00:00:00.000Z' })] });
    const [a, b] = dp.events({ order: 'asc' });
    assert.match(a.payload.receivedAt as string, ISO_MS);
    assert.ok(Math.abs(Date.parse(a.payload.receivedAt as string) - t0) < 60_000);
    assert.equal(b.payload.receivedAt, '2020-01-01T00:00:00.000Z');
  });
  test('request_ip: peer address, else the first X-Forwarded-For entry, a present one kept', async () => {
    await post(dp, '/v1/track', track());
    await post(dp, '/v1/track', track(), { headers: { 'X-Forwarded-For': ' 203.0.113.7 , 10.0.0.1' } });
    await post(dp, '/v1/track', track({ request_ip: '198.51.100.1' }), { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((r) => r.payload.request_ip),
      ['127.0.0.1', '203.0.113.7', '198.51.100.1'],
    );
  });
  test('rudderId = MD5 UUID (v4 bits) of cleaned userId ":" anonymousId, always overwritten', async () => {
    // Vectors computed independently with Python: uuid.UUID(bytes=md5(s).digest(), version=4).
    await post(dp, '/v1/batch', {
      batch: [{ userId: 'u1', rudderId: 'client-supplied' }, { userId: ' u1\u200b', anonymousId: 'a1' }, { anonymousId: 'a1' }, { userId: 456 }],
    });
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((r) => r.payload.rudderId),
      [
        '5eff0fc3-0944-48fa-9c04-38f62e3890ca',
        'f81ebcce-dafc-4607-b906-29e68e64b35f',
        'b09c6e0b-7298-4c66-88e1-7af047315456',
        '6b576099-fa8f-43ad-b62b-59b95fc082c8',
      ],
    );
  });
  test('other top-level batch fields are ignored; event fields are stored as sent', async () => {
    const e = track({ context: { library: { name: 'x' } }, sentAt: '2026-01-01T00:00:01.000Z', originalTimestamp: '2026-01-01T00:00:00.000Z' });
    await post(dp, '/v1/batch', { batch: [e], sentAt: 'ignored', context: { ignored: true } });
    const [row] = dp.events();
    assert.deepEqual(row.payload.context, { library: { name: 'x' } });
    assert.equal(row.sentAt, '2026-01-01T00:00:01.000Z');
    assert.equal(row.originalTimestamp, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(row.payload.properties, { revenue: 19.99 });
  });
});

describe('health', () => {
  test('GET /health → 200 JSON', async () => {
    const r = await fetch(`${dp.url}/health`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await r.json(), { server: 'UP', db: 'UP', acceptingEvents: 'TRUE' });
  });
});
