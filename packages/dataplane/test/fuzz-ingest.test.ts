// Random and adversarial requests to every ingest path, over real HTTP: the only 5xx the data plane may
// answer is the gateway's own for a corrupt gzip body (500 `failed to read body from request`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { basic, raw, startTestPlane } from './support/helpers.js';

let dp: Awaited<ReturnType<typeof startTestPlane>>;
before(async () => {
  dp = await startTestPlane({ writeKeys: [{ writeKey: 'off_key_0123456789', name: 'off', disabled: true }] });
});
after(() => dp.stop());

const deep = (open: string, close: string, n: number, inner = '') => `${open.repeat(n)}${inner}${close.repeat(n)}`;

/** Bodies: JSON (random, event-shaped, deep), broken JSON, bytes that are not UTF-8. */
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        userId: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        anonymousId: fc.oneof(fc.string(), fc.constant(null)),
        type: fc.constantFrom('track', 'page', 'identify', 'x', ''),
        messageId: fc.oneof(fc.string(), fc.integer()),
        properties: fc.jsonValue({ maxDepth: 4 }),
        receivedAt: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((e) => JSON.stringify(e)),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }).map((batch) => JSON.stringify({ batch })),
  fc.integer({ min: 1, max: 50_000 }).map((n) => `{"userId":"u","properties":${deep('[', ']', n)}}`),
  fc.integer({ min: 1, max: 50_000 }).map((n) => `{"batch":[{"anonymousId":${deep('{"a":', '}', n, '1')}}]}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `{"batch":${deep('[', ']', n)}}`),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '{', '{"batch":', 'null', '[]', '"x"', '{"__proto__":{"userId":"u"}}', '{"userId":"\\ud800"}'),
);
const body = fc.oneof(
  jsonText.map((t) => ({ bytes: Buffer.from(t), gzip: false })),
  jsonText.map((t) => ({ bytes: gzipSync(t), gzip: true })),
  fc.uint8Array({ maxLength: 2000 }).map((b) => ({ bytes: Buffer.from(b), gzip: false })),
  fc.tuple(jsonText, fc.nat()).map(([t, cut]) => {
    const z = gzipSync(t);
    return { bytes: z.subarray(0, cut % (z.length + 1)), gzip: true };
  }),
);

const key = fc.constantFrom('dev_rudderanalytics_local', 'off_key_0123456789', 'nope_0123456789', '', 'a:b', '\u00e9');
const authorization = fc.oneof(
  key.map((k) => basic(k)),
  fc.string().map((s) => `Basic ${s}`),
  fc.constantFrom('Bearer x', 'basic', 'Basic ====', ''),
);
const path = fc.oneof(
  fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias', 'batch', 'import', 'nope').map((t) => `/v1/${t}`),
  key.map((k) => `/beacon/v1/batch?writeKey=${encodeURIComponent(k)}`),
  fc
    .tuple(
      fc.constantFrom('track', 'page', 'identify'),
      fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 }), { maxKeys: 6 }),
      key,
    )
    .map(([t, q, k]) => `/pixel/v1/${t}?${new URLSearchParams({ ...q, writeKey: k })}`),
  fc.constantFrom('/sourceConfig', '/sourceConfig/?writeKey=dev_rudderanalytics_local', '/rsaMetrics', '/', '/health', '/%zz', '/v1/', '//v1/track'),
);
const request = fc.record({
  path,
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'OPTIONS', 'PUT', 'HEAD'),
  body,
  authorization: fc.option(authorization),
  encoding: fc.constantFrom(undefined, 'gzip', 'GZIP', 'deflate', 'identity'),
  contentType: fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', undefined),
  origin: fc.option(fc.constantFrom('http://a.test', 'null', 'https://x.example:8443')),
  preflightMethod: fc.option(fc.constantFrom('POST', 'GET', 'DELETE', 'post')),
});

test("no 5xx from any ingest path except the gateway's own for corrupt gzip", async () => {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers: Record<string, string> = {};
      if (r.authorization !== null) headers.Authorization = r.authorization;
      // A gzip body is labelled as such unless the case tests a label that is not exactly `gzip`.
      const encoding = r.body.gzip && r.encoding === undefined ? 'gzip' : r.encoding;
      if (encoding) headers['Content-Encoding'] = encoding;
      if (r.contentType) headers['Content-Type'] = r.contentType;
      if (r.origin !== null) headers.Origin = r.origin;
      if (r.method === 'OPTIONS' && r.preflightMethod !== null) headers['Access-Control-Request-Method'] = r.preflightMethod;
      const sendsBody = r.method !== 'GET' && r.method !== 'HEAD';
      const reply = await raw(dp.url, r.method, r.path, headers, sendsBody ? r.body.bytes : undefined);
      if (reply.status >= 500) {
        assert.equal(reply.status, 500, `${r.method} ${r.path}`);
        assert.equal(encoding, 'gzip', `a 500 without a gzip body: ${r.method} ${r.path}`);
        assert.equal(reply.body.toString(), 'failed to read body from request\n');
      }
      if (r.origin !== null && !(r.method === 'OPTIONS' && r.preflightMethod !== null)) {
        const granted = ['GET', 'POST', 'HEAD'].includes(r.method);
        assert.equal(reply.headers['access-control-allow-origin'], granted ? r.origin : undefined, `${r.method} ${r.path}`);
      }
    }),
    { numRuns: 400 },
  );
  // The data plane is still healthy afterwards.
  const health = await raw(dp.url, 'GET', '/health');
  assert.equal(health.status, 200);
});
