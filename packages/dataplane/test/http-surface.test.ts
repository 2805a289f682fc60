// What browsers and the other official clients need from the data plane: CORS on the ingest side,
// /sourceConfig, /beacon, /pixel, /rsaMetrics, /version, /robots.txt, gateway-like answers to unknown paths, deep JSON; and
// the read side locked to loopback Host names with no CORS grant.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { basic, post, raw, startTestPlane, track } from './support/helpers.js';

const ORIGIN = 'http://shop.localhost:3000';
const OFF_KEY = 'off_key_0123456789';

const lines: string[] = [];
let dp: Awaited<ReturnType<typeof startTestPlane>>;
before(async () => {
  const log = (m: string) => lines.push(m);
  dp = await startTestPlane({
    quiet: false,
    logger: { info: log, warn: log, error: log },
    writeKeys: [{ writeKey: OFF_KEY, name: 'off', disabled: true }],
    allowedHosts: ['dev.example.test'],
  });
});
after(() => dp.stop());
beforeEach(() => dp.clear());

describe('CORS on the ingest side (as the gateway configures rs/cors)', () => {
  const ingestPaths = ['/v1/track', '/v1/batch', '/beacon/v1/batch', '/pixel/v1/track', '/sourceConfig/', '/sourceConfig', '/rsaMetrics'];
  for (const path of ingestPaths) {
    test(`a preflight of ${path} is answered before auth, reflecting origin and headers`, async () => {
      const r = await raw(dp.url, 'OPTIONS', path, {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,anonymousid,rsa-retry-attempt',
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
      assert.equal(r.headers['access-control-allow-credentials'], 'true');
      assert.equal(r.headers['access-control-allow-methods'], 'POST');
      // Named, never `*`: the Fetch standard does not let `*` cover Authorization.
      assert.equal(r.headers['access-control-allow-headers'], 'authorization,content-type,anonymousid,rsa-retry-attempt');
      assert.equal(r.headers['access-control-max-age'], '900');
    });
  }
  test('every ingest answer carries the grant: success and each kind of error', async () => {
    const cases: Array<[number, Promise<{ status: number; headers: Headers }>]> = [
      [200, post(dp, '/v1/track', track(), { headers: { Origin: ORIGIN } })],
      [401, post(dp, '/v1/track', track(), { key: null, headers: { Origin: ORIGIN } })],
      [401, post(dp, '/v1/track', track(), { key: 'nope_0123456789', headers: { Origin: ORIGIN } })],
      [404, post(dp, '/v1/track', track(), { key: OFF_KEY, headers: { Origin: ORIGIN } })],
      [400, post(dp, '/v1/batch', '{', { headers: { Origin: ORIGIN } })],
      [413, post(dp, '/v1/track', track({ pad: 'x'.repeat(4_100_000) }), { headers: { Origin: ORIGIN } })],
      [404, post(dp, '/v1/nope', track(), { headers: { Origin: ORIGIN } })],
    ];
    for (const [status, p] of cases) {
      const r = await p;
      assert.equal(r.status, status);
      assert.equal(r.headers.get('access-control-allow-origin'), ORIGIN, `status ${status}`);
      assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
    }
  });
  test('a preflight for a method the gateway does not allow gets no grant', async () => {
    const r = await raw(dp.url, 'OPTIONS', '/v1/track', { Origin: ORIGIN, 'Access-Control-Request-Method': 'DELETE' });
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });
});

describe('the read side: no CORS grant, loopback or allowed Host names only', () => {
  const readPaths = ['/api/events', '/api/events/stream', '/live', '/live/', '/api/nope'];
  test('a cross-origin read of /api/events and of the stream is refused, with no CORS grant', async () => {
    await post(dp, '/v1/track', track());
    for (const path of ['/api/events', '/api/events/stream', '/live']) {
      const r = await raw(dp.url, 'GET', path, { Origin: 'http://evil.test' });
      assert.equal(r.status, 403, path);
      assert.equal(r.headers['access-control-allow-origin'], undefined, path);
      assert.equal(r.headers['access-control-allow-credentials'], undefined, path);
    }
    const preflight = await raw(dp.url, 'OPTIONS', '/api/events', {
      Origin: 'http://evil.test',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'authorization',
    });
    assert.ok(preflight.status >= 400, `preflight status ${preflight.status}`);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });
  for (const path of readPaths) {
    test(`a foreign Host gets 403 on ${path}; nothing stored leaks`, async () => {
      await post(dp, '/v1/track', track({ userId: 'secret-user' }));
      for (const host of ['evil.test', `rebind.evil.test:${dp.port}`, 'localhost.evil.test', '127.0.0.1.evil.test', '[::1', 'a:b:c', '[::1]x']) {
        const r = await raw(dp.url, 'GET', path, { Host: host });
        assert.equal(r.status, 403, `Host ${JSON.stringify(host)}`);
        assert.ok(!r.body.toString().includes('secret-user'));
        assert.ok(!r.body.toString().includes(host), 'the answer does not echo the Host');
      }
    });
  }
  test('loopback Host names (any port) and allowedHosts are answered', async () => {
    await post(dp, '/v1/track', track({ userId: 'u-host' }));
    for (const host of [
      'localhost',
      `localhost:${dp.port}`,
      `127.0.0.1:${dp.port}`,
      '127.0.0.1',
      '[::1]',
      `[::1]:${dp.port}`,
      'LOCALHOST:1',
      'dev.example.test:8080',
    ]) {
      const r = await raw(dp.url, 'GET', '/api/events', { Host: host });
      assert.equal(r.status, 200, `Host ${host}`);
      assert.equal((JSON.parse(r.body.toString()) as { events: Array<{ userId: string }> }).events[0].userId, 'u-host');
      assert.equal((await raw(dp.url, 'GET', '/api/events/stream', { Host: host })).status, 200);
      assert.equal((await raw(dp.url, 'GET', '/live', { Host: host })).status, 200);
    }
  });
  test('the ingest side answers any Host, as the gateway does', async () => {
    const r = await raw(dp.url, 'POST', '/v1/track', { Host: 'evil.test', Authorization: basic(dp.writeKey) }, JSON.stringify(track()));
    assert.equal(r.status, 200);
    assert.equal(dp.count(), 1);
  });
});

describe('/sourceConfig (a control-plane stand-in for the browser SDK)', () => {
  const config = async (path: string, headers: Record<string, string> = {}) => {
    const r = await raw(dp.url, 'GET', path, headers);
    return { status: r.status, text: r.body.toString() };
  };
  test('a known key, from Basic auth or the writeKey parameter, with and without the slash', async () => {
    for (const [path, headers] of [
      ['/sourceConfig/?p=npm&v=3.34.1&build=modern', { Authorization: basic(dp.writeKey) }],
      [`/sourceConfig?writeKey=${dp.writeKey}`, {}],
      [`/sourceConfig/?writeKey=${dp.writeKey}&lockIntegrationsVersion=true`, {}],
    ] as const) {
      const r = await config(path, headers);
      assert.equal(r.status, 200, path);
      const body = JSON.parse(r.text) as { source: Record<string, unknown> };
      assert.equal(body.source.name, 'dev');
      assert.equal(body.source.enabled, true);
      assert.deepEqual(body.source.config, {});
      assert.deepEqual(body.source.destinations, []);
      assert.match(String(body.source.id), /^src_[0-9a-f]+$/);
      assert.ok(!r.text.includes(dp.writeKey), 'the answer does not repeat the key');
    }
  });
  test('a disabled source is described as disabled (the SDK then stops)', async () => {
    const r = await config(`/sourceConfig/?writeKey=${OFF_KEY}`);
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.text) as { source: { enabled: boolean } }).source.enabled, false);
  });
  test('no key or an unknown key → 401 with the gateway message', async () => {
    assert.deepEqual(await config('/sourceConfig/'), { status: 401, text: 'failed to read writekey from header\n' });
    assert.deepEqual(await config('/sourceConfig/?writeKey=nope_0123456789'), { status: 401, text: 'invalid write key\n' });
  });
});

describe('/beacon/v1/batch', () => {
  test('write key from the query, text/plain body, otherwise exactly /v1/batch', async () => {
    const body = JSON.stringify({ batch: [track({ anonymousId: 'a1' }), track({ type: 'page', name: 'Home' })], sentAt: 'x' });
    const r = await raw(dp.url, 'POST', `/beacon/v1/batch?writeKey=${dp.writeKey}`, { 'Content-Type': 'text/plain;charset=UTF-8' }, body);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'ok');
    assert.deepEqual(
      dp.events({ order: 'asc' }).map((e) => e.type),
      ['track', 'page'],
    );
  });
  test('the gateway answers: no key in the query, unknown key, disabled source, bad body', async () => {
    const beacon = async (query: string, body = JSON.stringify({ batch: [track()] })) => {
      const r = await raw(dp.url, 'POST', `/beacon/v1/batch${query}`, { 'Content-Type': 'text/plain' }, body);
      return `${r.status} ${r.body.toString()}`;
    };
    assert.equal(await beacon(''), '401 failed to read writekey from query params\n');
    assert.equal(await beacon('?writeKey='), '401 failed to read writekey from query params\n');
    assert.equal(await beacon('?writeKey=nope_0123456789'), '401 invalid write key\n');
    assert.equal(await beacon(`?writeKey=${OFF_KEY}`), '404 source is disabled\n');
    assert.equal(await beacon(`?writeKey=${dp.writeKey}`, '{"batch":'), '400 invalid json\n');
    assert.equal(await beacon(`?writeKey=${dp.writeKey}`, '{"batch":[]}'), '400 empty batch payload\n');
    assert.equal(dp.count(), 0);
  });
  test('only the batch type is routed for beacons; GET is 405', async () => {
    assert.equal((await raw(dp.url, 'POST', `/beacon/v1/track?writeKey=${dp.writeKey}`, {}, '{}')).status, 404);
    const get = await raw(dp.url, 'GET', `/beacon/v1/batch?writeKey=${dp.writeKey}`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
  });
});

describe('/pixel/v1/track and /pixel/v1/page', () => {
  const GIF_MAGIC = 'GIF89a';
  const pixel = async (path: string) => {
    const r = await raw(dp.url, 'GET', path);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'image/gif');
    assert.equal(r.body.subarray(0, 6).toString('latin1'), GIF_MAGIC);
    assert.equal(r.body.length, 43);
  };
  test('fields from the query string, dotted names nested, the key removed', async () => {
    await pixel(`/pixel/v1/track?writeKey=${dp.writeKey}&anonymousId=%22anon-1%22&event=Ad%20Viewed&properties.campaign=spring&properties.size=2`);
    const [row] = await dp.waitForEvents(1);
    assert.equal(row.type, 'track');
    assert.equal(row.anonymousId, 'anon-1', 'the quotes around anonymousId are stripped');
    assert.equal(row.event, 'Ad Viewed');
    assert.deepEqual(row.payload.properties, { campaign: 'spring', size: '2' });
    assert.equal(row.payload.channel, 'web');
    assert.deepEqual(row.payload.integrations, { All: true });
    assert.equal(row.payload.writeKey, undefined);
    assert.match(String(row.payload.originalTimestamp), /Z$/);
  });
  test('a page with an empty name is "Unknown Page"', async () => {
    await pixel(`/pixel/v1/page?writeKey=${dp.writeKey}&userId=u1&name=`);
    const [row] = await dp.waitForEvents(1);
    assert.equal(row.type, 'page');
    assert.equal(row.event, 'Unknown Page');
  });
  test('the GIF whatever the outcome: no key, bad key, empty event, no id; nothing stored', async () => {
    await pixel('/pixel/v1/track?userId=u1&event=E');
    await pixel('/pixel/v1/track?writeKey=nope_0123456789&userId=u1&event=E');
    await pixel(`/pixel/v1/track?writeKey=${dp.writeKey}&userId=u1&event=`);
    await pixel(`/pixel/v1/page?writeKey=${dp.writeKey}&name=Home`);
    await pixel(`/pixel/v1/page?writeKey=${dp.writeKey}&userId=u1&__proto__.polluted=1&constructor.prototype.polluted=1`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const head = await raw(dp.url, 'HEAD', `/pixel/v1/track?writeKey=${dp.writeKey}&userId=u1&event=E`);
    assert.equal(head.status, 405, 'GET only, as the gateway routes it');
    assert.equal(dp.count(), 1, 'only the one with a key and an id is stored');
    assert.equal((dp.events()[0].payload.__proto__ as unknown as Record<string, unknown>).polluted, '1');
  });
});

describe('other gateway paths', () => {
  test('/rsaMetrics is accepted and discarded', async () => {
    const r = await raw(dp.url, 'POST', '/rsaMetrics', { 'Content-Type': 'application/json', Origin: ORIGIN }, '{"metrics":[]}');
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(dp.count(), 0);
  });
  test('unknown paths → 404 "404 page not found"; a known path with another method → 405 and Allow', async () => {
    for (const path of ['/nope', '/v1/nope', '/v2/track', '/pixel/v1/identify', '/beacon']) {
      const r = await raw(dp.url, 'POST', path, {}, '{}');
      assert.equal(r.status, 404, path);
      assert.equal(r.body.toString(), '404 page not found\n');
    }
    const r = await raw(dp.url, 'GET', '/v1/track');
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'POST');
  });
});

describe('/version and /robots.txt (as the gateway serves them)', () => {
  // rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb: gateway/handle_lifecycle.go routes
  // GET /version (application/json; charset=utf-8) to runner/runner.go versionHandler, a map of Version,
  // Commit, BuildDate, BuiltBy and Features (info/features.go: ["gzip-req-payload"]); GET /robots.txt to
  // gateway/handle_http.go robotsHandler, "User-agent: * \nDisallow: / \n".
  test("GET /version: the gateway's five fields, in Go's key order, with our version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await raw(dp.url, 'GET', '/version', { Origin: ORIGIN });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['access-control-allow-origin'], ORIGIN, 'inside the gateway router: CORS like every other path');
    const body = JSON.parse(r.body.toString());
    assert.deepEqual(Object.keys(body), ['BuildDate', 'BuiltBy', 'Commit', 'Features', 'Version']);
    assert.equal(body.Version, pkg.version);
    assert.deepEqual(body.Features, ['gzip-req-payload']);
    for (const field of ['BuildDate', 'BuiltBy', 'Commit']) assert.equal(typeof body[field], 'string', field);
  });
  test('GET /robots.txt: every crawler kept off every path, byte for byte', async () => {
    const r = await raw(dp.url, 'GET', '/robots.txt');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.body.toString(), 'User-agent: * \nDisallow: / \n');
  });
  test('another method on either is 405 with Allow: GET, as for the other GET routes', async () => {
    for (const path of ['/version', '/robots.txt']) {
      const r = await raw(dp.url, 'POST', path, {}, '{}');
      assert.equal(r.status, 405, path);
      assert.equal(r.headers.allow, 'GET');
    }
  });
});

describe('deep JSON is stored, never a 500', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  test('properties nested 5,000 arrays deep are stored and read back', async () => {
    const r = await post(dp, '/v1/track', `{"userId":"u1","event":"Deep","properties":{"a":${nested(5000)}}}`);
    assert.equal(r.status, 200, r.text);
    const api = await raw(dp.url, 'GET', '/api/events');
    assert.equal(api.status, 200);
    const stored = (JSON.parse(api.body.toString()) as { events: Array<{ payload: { properties: { a: unknown } } }> }).events[0];
    let depth = 0;
    for (let v: unknown = stored.payload.properties.a; Array.isArray(v); v = v[0]) depth++;
    assert.equal(depth, 5000);
  });
  test('a userId that is a deep array is stringified like Go would, 100,000 levels in a batch', async () => {
    const r = await post(dp, '/v1/batch', `{"batch":[{"userId":${nested(100_000)}}]}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(dp.events()[0].userId, nested(100_000));
  });
});

test('write keys from query strings never reach a log line', async () => {
  const secret = 'beacon_secret_key_5678';
  const before = lines.length;
  await raw(dp.url, 'POST', `/beacon/v1/batch?writeKey=${secret}`, {}, '{}');
  await raw(dp.url, 'POST', `/beacon/v1/batch?writeKey=${dp.writeKey}`, {}, '{"batch":');
  await raw(dp.url, 'POST', `/beacon/v1/batch?writeKey=${OFF_KEY}`, {}, '{}');
  await raw(dp.url, 'GET', `/pixel/v1/track?writeKey=${secret}&userId=u&event=E`);
  await raw(dp.url, 'GET', `/pixel/v1/track?writeKey=${dp.writeKey}&event=E`);
  await raw(dp.url, 'GET', `/sourceConfig/?writeKey=${secret}`);
  const logged = lines.slice(before);
  assert.ok(logged.length >= 4, `the failures are logged: ${logged.join(' | ')}`);
  for (const line of logged) {
    for (const key of [secret, dp.writeKey, OFF_KEY]) assert.ok(!line.includes(key), `a key in: ${line}`);
  }
});

test('a read token is printed once and carried by the live URL', async () => {
  const printed: string[] = [];
  const log = (m: string) => printed.push(m);
  const guarded = await startTestPlane({ quiet: false, logger: { info: log, warn: log, error: log }, readToken: 'chosen-token-123' });
  try {
    assert.equal(guarded.readToken, 'chosen-token-123');
    assert.equal(guarded.liveUrl, `${guarded.url}/live?token=chosen-token-123`);
    assert.equal(printed.filter((l) => l.includes('chosen-token-123')).length, 2, printed.join('\n'));
    assert.equal((await raw(guarded.url, 'GET', '/live?token=chosen-token-123')).status, 200);
  } finally {
    await guarded.stop();
  }
  assert.equal(dp.readToken, undefined, 'none on loopback unless asked for');
});
