/**
 * Hardening found by the reliability suite: each test pins a way the SDK once lost an event, leaked the
 * write key or let a bad option through (redirects, inspect(), boolean options, option shapes, values
 * JSON cannot carry, a data plane echoing headers).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError, DeliveryError, RudderAnalytics, ValidationError } from 'rudderanalytics';
import { startFaultServer } from '../support/fault-server.ts';

const KEY = 'wk_SENTINEL_b7e2d41c';
const BASIC = Buffer.from(`${KEY}:`).toString('base64');

test('a 3xx redirect is not "delivered" (fetch turns the POST into a bodyless GET)', async () => {
  for (const status of [301, 302, 303, 307, 308]) {
    const server = await startFaultServer((r) =>
      r.path.startsWith('/v1/batch') ? { status, body: '', headers: { location: '/elsewhere' } } : { status: 200, body: 'ok' },
    );
    const client = RudderAnalytics.load(KEY, server.url, { flushOnExit: false, retry: { maxAttempts: 2, minDelayMs: 1 } });
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

test('util.inspect / JSON.stringify of the client do not expose the write key', () => {
  const client = RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, enable: false });
  const shown = [inspect(client, { depth: Infinity, showHidden: true }), JSON.stringify(client)];
  for (const text of shown) {
    assert.ok(!text.includes(BASIC) && !text.includes(KEY), text.slice(0, 200));
  }
});

test('boolean options of the wrong type are a ConfigError (enable: "false" sends)', () => {
  for (const name of ['enable', 'gzip', 'flushOnExit'] as const) {
    for (const value of ['false', 0, 1]) {
      assert.throws(
        () => RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, [name]: value as never }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(name) && /boolean/.test(e.message),
        `${name}: ${JSON.stringify(value)}`,
      );
    }
  }
});

test('options of the wrong shape are a ConfigError naming the option, not a later TypeError', () => {
  const cases: [string, unknown][] = [
    ['logger', 'console'],
    ['retry', 'fast'],
    ['storage', 'redis'],
  ];
  for (const [name, value] of cases) {
    assert.throws(
      () => RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, [name]: value } as never),
      (e: unknown) => e instanceof ConfigError && e.message.includes(name),
      name,
    );
  }
  assert.throws(() => RudderAnalytics.load(KEY, 'http://127.0.0.1:9', null as never), ConfigError, 'options: null');
});

test('a non-function fetch gets a message about the option, not about the runtime', () => {
  assert.throws(
    () => RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, fetch: 'x' as never }),
    (e: unknown) => e instanceof ConfigError && /fetch must be a function/.test(e.message),
  );
});

test('values JSON cannot encode are a ValidationError naming the field, never a raw error', () => {
  const client = RudderAnalytics.load(KEY, 'http://127.0.0.1:9', { flushOnExit: false, enable: false });
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 20_000; i++) deep = (deep.n = {}) as Record<string, unknown>;
  const cases: [string, Record<string, unknown>][] = [
    ['toJSON returns a BigInt', { d: { toJSON: () => 1n } }],
    [
      'toJSON throws',
      {
        d: {
          toJSON: () => {
            throw new Error('boom');
          },
        },
      },
    ],
    [
      'a getter throws',
      Object.defineProperty({}, 'x', {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      }),
    ],
    ['nested 20,000 deep', root],
    ['a Map (JSON.stringify loses its entries)', { m: new Map([['a', 1]]) }],
    ['a Set (JSON.stringify loses its entries)', { s: new Set([1]) }],
  ];
  for (const [name, properties] of cases) {
    assert.throws(
      () => client.track({ userId: 'u', event: 'E', properties }),
      (e: unknown) => e instanceof ValidationError && e.field.startsWith('properties'),
      name,
    );
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
