/**
 * The write key never leaves the Authorization header: not in a log line, console output, error (in any
 * rendering: String, message, stack, JSON, util.inspect with depth Infinity), event payload or stats,
 * whatever happens — deliveries, 401s, 5xx retries, 429s, timeouts, resets, refused connections, 413s,
 * gzip fallback, validation and config errors, drops and closes. Neither in its base64 form.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { DeliveryError, RudderAnalytics, type LoadOptions } from '../../src/index.js';
import { sequence, startFaultServer, type Script } from '../support/fault-server.ts';
import { Capture } from '../support/capture.ts';
import { startStoredPlane } from '../support/dataplane.ts';
import { recordUnhandledRejections } from '../support/watch.ts';

const KEY = 'wk_SENTINEL_b7e2d41c';
const BASIC = Buffer.from(`${KEY}:`).toString('base64');
const NEEDLES = [KEY, BASIC];

const FAST: LoadOptions = { flushOnExit: false, flushInterval: 1, timeoutMs: 100, retry: { minDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } };

/** Runs `fn`, recording what it throws. */
function attempt(cap: Capture, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    cap.thrown(error);
  }
}

/** Awaits a promise, recording what it rejects with. */
async function settle(cap: Capture, promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    cap.thrown(error);
  }
}

/** A client whose every event payload is captured; `listen: false` leaves 'error' unheard so it is logged. */
function observed(cap: Capture, url: string, options: LoadOptions = {}, listen = true): RudderAnalytics {
  const client = RudderAnalytics.load(KEY, url, { ...FAST, logger: cap.logger(), ...options });
  const names: ('delivered' | 'retry' | 'dropped' | 'error')[] = ['delivered', 'retry', 'dropped', ...(listen ? (['error'] as const) : [])];
  for (const name of names) {
    client.on(name, (payload: unknown) => cap.payload(payload));
  }
  return client;
}

/** Sends a few events every way there is, lets delivery end, and captures the outcome. */
async function exercise(cap: Capture, client: RudderAnalytics): Promise<void> {
  attempt(cap, () => client.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 1 } }));
  attempt(cap, () => client.identify({ userId: 'u1', traits: { plan: 'pro' } }));
  await Promise.all([
    settle(cap, client.send({ type: 'page', userId: 'u1', name: 'Home' })),
    settle(
      cap,
      client.send({
        type: 'batch',
        batch: [
          { type: 'track', anonymousId: 'a1', event: 'E' },
          { type: 'alias', userId: 'u2', previousId: 'u1' },
        ],
      }),
    ),
    client.flush(),
  ]);
  cap.payload(client.stats());
  await client.close({ timeoutMs: 50 });
  cap.payload(client.stats());
  attempt(cap, () => client.track({ userId: 'u1', event: 'After close' }));
}

/** Paths to byte arrays reachable from `value` (own properties, enumerable or not) that hold the key or its base64. */
function bytesWithKey(value: unknown, path = 'error', seen = new Set<unknown>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('latin1');
    return NEEDLES.some((n) => text.includes(n)) ? [path] : [];
  }
  return Object.getOwnPropertyNames(value).flatMap((key) => bytesWithKey((value as Record<string, unknown>)[key], `${path}.${key}`, seen));
}

async function scenario(cap: Capture, script: Script, options: LoadOptions = {}, listen = true) {
  const server = await startFaultServer(script);
  try {
    await exercise(cap, observed(cap, server.url, options, listen));
    return server.requests;
  } finally {
    await server.close();
  }
}

test('the write key and its base64 never appear in logs, console, errors, payloads or stats', async (t) => {
  const cap = new Capture();
  cap.patchConsole();
  const rejections = recordUnhandledRejections();
  t.after(() => {
    cap.restore();
    rejections.stop();
  });

  // The detector itself: a leak planted in each form is found.
  const probe = new Capture();
  probe.thrown(new Error(`auth failed for Basic ${BASIC}`));
  probe.payload({ key: KEY });
  assert.equal(probe.leaks(NEEDLES).length > 0, true);

  const covered: Record<string, number> = {};
  const ran = async (name: string, run: () => Promise<unknown>) => {
    const before = cap.texts.length;
    await run();
    covered[name] = cap.texts.length - before;
  };

  await ran('deliveries', async () => {
    const requests = await scenario(cap, () => ({ status: 200, body: 'ok' }), { gzip: false });
    // The key did go out, in the one place it belongs.
    assert.ok(requests.length > 0 && requests.every((r) => r.headers.authorization === `Basic ${BASIC}`));
  });
  await ran('401 with a listener', () => scenario(cap, () => ({ status: 401, body: 'invalid write key\n' })));
  await ran('401 logged (no listener)', () => scenario(cap, () => ({ status: 401, body: 'invalid write key\n' }), {}, false));
  await ran('404 source disabled', () => scenario(cap, () => ({ status: 404, body: 'source is disabled\n' }), {}, false));
  await ran('5xx retried, then delivered', () =>
    scenario(cap, sequence({ status: 503, body: 'unavailable' }, { status: 502, body: '' }, { status: 500, body: 'boom' })),
  );
  await ran('5xx until retries run out', () => scenario(cap, () => ({ status: 500, body: 'internal error' }), {}, false));
  await ran('429 with Retry-After', () =>
    scenario(cap, sequence({ status: 429, body: 'max requests limit reached', headers: { 'retry-after': '0' } })),
  );
  await ran('timeouts', () => scenario(cap, () => ({ stall: true }), { timeoutMs: 30, retry: { maxAttempts: 2, minDelayMs: 1 } }, false));
  await ran('connection resets', () => scenario(cap, () => ({ reset: true }), { retry: { maxAttempts: 2, minDelayMs: 1 } }));
  await ran('413 on one event', () => scenario(cap, () => ({ status: 413, body: 'request size exceeds max limit' })));
  await ran('gzip refused (old data plane)', () =>
    scenario(cap, (r) => (r.headers['content-encoding'] ? { status: 400, body: 'invalid json' } : { status: 200, body: 'ok' })),
  );
  await ran('refused connection', async () => {
    const gone = await startFaultServer();
    await gone.close();
    await exercise(cap, observed(cap, gone.url, { retry: { maxAttempts: 2, minDelayMs: 1 } }, false));
  });
  await ran('closed before delivery', async () => {
    const server = await startFaultServer(() => ({ stall: true }));
    const client = observed(cap, server.url, { timeoutMs: 10_000 });
    const pending = settle(cap, client.send({ type: 'track', userId: 'u', event: 'E' }));
    await client.close({ timeoutMs: 20 });
    await pending;
    await server.close();
  });
  await ran('queue full', async () => {
    const throwing = observed(cap, 'http://127.0.0.1:9', { maxQueueSize: 1, overflow: 'throw', enable: true, flushInterval: 60_000 });
    for (let i = 0; i < 3; i++) attempt(cap, () => throwing.track({ userId: 'u', event: 'E' }));
    await throwing.close({ timeoutMs: 0 });
    const dropping = RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { ...FAST, logger: cap.logger(), maxQueueSize: 1, flushInterval: 60_000 });
    for (let i = 0; i < 3; i++) attempt(cap, () => dropping.track({ userId: 'u', event: 'E' }));
    await dropping.close({ timeoutMs: 0 });
  });
  await ran('validation errors', async () => {
    const client = observed(cap, 'http://127.0.0.1:9', { enable: false });
    attempt(cap, () => client.track({ userId: '\u200B', event: 'E' }));
    attempt(cap, () => client.track({ userId: KEY.length, event: 42 } as never));
    attempt(cap, () => client.identify({ userId: 'u', traits: { big: 1n } }));
    attempt(cap, () => client.track({ userId: 'u', event: 'E', properties: { t: '€'.repeat(12_000) } }));
    await settle(cap, client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E' }, { type: 'nope' } as never] }));
    await client.close();
  });
  await ran('config errors', async () => {
    const host = '127.0.0.1:9';
    attempt(cap, () => RudderAnalytics.load(KEY, 'ftp://127.0.0.1/'));
    attempt(cap, () => RudderAnalytics.load(KEY, `http://${KEY}@${host}`));
    attempt(cap, () => RudderAnalytics.load(KEY, `http://${KEY}:x@${host}`));
    attempt(cap, () => RudderAnalytics.load(`http://${host}`, KEY)); // arguments swapped
    attempt(cap, () => RudderAnalytics.load(KEY, `${KEY}.example.com`));
    attempt(cap, () => RudderAnalytics.load(KEY, `http://${host}`, { flushAt: 0 }));
    attempt(cap, () => RudderAnalytics.load(KEY, `http://${host}`, { fetch: KEY as never }));
    attempt(cap, () => RudderAnalytics.load(KEY, `http://${host}`, { overflow: KEY as never }));
  });
  await ran('the default console logger', () => scenario(cap, () => ({ status: 401, body: 'invalid write key' }), { logger: undefined }, false));

  const leaks = cap.leaks(NEEDLES);
  t.diagnostic(`${cap.texts.length} texts captured across ${Object.keys(covered).length} scenarios: ${JSON.stringify(covered)}`);
  assert.deepEqual(
    leaks.map((l) => l.slice(0, 300)),
    [],
  );
  // Every scenario produced something to search (an empty capture would prove nothing).
  for (const [name, count] of Object.entries(covered)) assert.ok(count > 0, `${name} captured nothing`);
  // Sanity: what should have been said was said, through the logger and the console.
  const all = cap.texts.join('\n');
  for (const expected of [
    /HTTP 401 invalid write key/,
    /retries_exhausted/,
    /no complete response within 30 ms/,
    /too_large/,
    /sending plain JSON from now on/,
    /console\.error: \[rudderanalytics\]/,
    /the client closed before/,
    /queue is full/,
    /dataPlaneUrl/,
  ]) {
    assert.match(all, expected);
  }
  assert.deepEqual(rejections.reasons, []);
});

test('the data plane, given the sentinel key, keeps it out of its logs and stored events', async () => {
  const cap = new Capture();
  const plane = await startStoredPlane(KEY);
  try {
    const client = observed(cap, plane.url, { gzip: true });
    await exercise(cap, client);
    // A wrong key gets 401 and is not echoed either.
    const wrong = RudderAnalytics.load(`${KEY}_wrong`, plane.url, { ...FAST, logger: cap.logger() });
    wrong.on('error', (e) => cap.payload(e));
    await settle(cap, wrong.send({ type: 'track', userId: 'u', event: 'E' }));
    await wrong.close();
    assert.ok(plane.logs.length > 0, 'the data plane logged nothing to search');
    cap.texts.push(...plane.logs, JSON.stringify(plane.storedEvents()));
    assert.ok(plane.storedIds().length >= 5, 'events were stored');
  } finally {
    await plane.close();
  }
  assert.ok(cap.texts.some((t) => /HTTP 401/.test(t)));
  assert.deepEqual(
    cap.leaks([...NEEDLES, `${KEY}_wrong`]).map((l) => l.slice(0, 300)),
    [],
  );
});

test('plain http:// to a non-loopback host warns once; loopback and https do not', async () => {
  const warnings = (url: string) => {
    const lines: string[] = [];
    const client = RudderAnalytics.load(KEY, url, {
      enable: false,
      flushOnExit: false,
      logger: { warn: (m) => lines.push(m), error: (m) => lines.push(m), info: (m) => lines.push(m), debug: (m) => lines.push(m) },
    });
    for (let i = 0; i < 5; i++) client.track({ userId: 'u', event: 'E' });
    void client.close();
    return lines;
  };
  for (const url of [
    'http://analytics.example.com',
    'http://10.0.0.5:8080/',
    'http://127.0.0.1.nip.io',
    'http://localhost.example.com',
    'HTTP://Data.Example.COM',
  ]) {
    const lines = warnings(url);
    assert.equal(lines.length, 1, `${url}: ${JSON.stringify(lines)}`);
    assert.match(lines[0], /plain http:\/\//);
    assert.match(lines[0], /use https:\/\//);
    assert.match(lines[0], new RegExp(new URL(url).hostname.replace(/\./g, '\\.')));
    assert.ok(!lines[0].includes(KEY) && !lines[0].includes(BASIC));
  }
  // A key pasted as the host (a URL parser lowercases it) is not echoed back in the warning.
  for (const url of [`http://${KEY}`, `http://${KEY.toUpperCase()}.example.com:8080/`]) {
    const lines = warnings(url);
    assert.equal(lines.length, 1, url);
    assert.match(lines[0], /plain http:\/\/ to a host that contains the write key/);
    assert.ok(!lines[0].toLowerCase().includes(KEY.toLowerCase()), lines[0]);
  }
  for (const url of [
    'http://127.0.0.1:8080',
    'http://localhost:8080',
    'http://LOCALHOST',
    'http://127.5.6.7',
    'http://[::1]:8080',
    'https://analytics.example.com',
    'https://10.0.0.5',
  ]) {
    assert.deepEqual(warnings(url), [], url);
  }
});

test('util.inspect / JSON.stringify of the client do not expose the write key', () => {
  const client = RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, enable: false });
  const shown = [inspect(client, { depth: Infinity, showHidden: true }), JSON.stringify(client)];
  for (const text of shown) {
    assert.ok(!text.includes(BASIC) && !text.includes(KEY), text.slice(0, 200));
  }
});

test('a data plane (or proxy) that echoes the Authorization header does not put the key in errors', async () => {
  const server = await startFaultServer((r) => ({ status: 400, body: `bad request, headers: ${JSON.stringify(r.headers)}` }));
  const client = RudderAnalytics.load(KEY, server.url, { flushOnExit: false, gzip: false, logger: {} });
  const error = await client.send({ type: 'track', userId: 'u', event: 'E' }).catch((e: unknown) => e);
  await client.close();
  await server.close();
  assert.ok(error instanceof DeliveryError);
  const text = `${error.message} ${error.serverMessage} ${inspect(error, { depth: Infinity })}`;
  assert.ok(!text.includes(BASIC), text.slice(0, 300));
});

test('an answer that is not HTTP and echoes the request (Authorization included) leaves no key in any error, on node:http and fetch', async () => {
  // A raw TCP peer: it reads the request head and sends it straight back, which no HTTP parser accepts.
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (head: Buffer) => socket.end(Buffer.concat([Buffer.from('\x00\x01 not http\r\n'), head])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const fetchImpl of [undefined, globalThis.fetch]) {
      const cap = new Capture();
      const client = RudderAnalytics.load(KEY, url, { ...FAST, gzip: false, logger: cap.logger(), ...(fetchImpl ? { fetch: fetchImpl } : {}) });
      client.on('retry', (payload: unknown) => cap.payload(payload));
      const error = await client.send({ type: 'track', userId: 'u', event: 'E' }).catch((e: unknown) => e);
      await client.close({ timeoutMs: 50 });
      const label = fetchImpl ? 'fetch' : 'node:http';
      assert.ok(error instanceof DeliveryError, `${label}: ${String(error)}`);
      assert.ok(error.cause !== undefined, `${label}: the network failure stays the cause`);
      cap.thrown(error);
      assert.deepEqual(cap.leaks(NEEDLES), [], `${label}: the key leaked`);
      // Bytes render as hex in every text form above, so look inside any buffer the error chain holds.
      assert.deepEqual(bytesWithKey(error), [], `${label}: the echoed bytes are kept`);
    }
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
