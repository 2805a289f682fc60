// The middleware seam: plugins see each event before it is serialized and may keep, replace, drop or
// reject it; a failing plugin is reported, never thrown into the caller. Delivered over real HTTP.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, PluginError, type FilteredInfo, type OutgoingEvent, type Plugin } from '../src/index.js';
import { testClient } from './support/client.js';
import { useFaultServer } from './support/fault-server.js';

const server = useFaultServer();

/** Documented example: remove PII before it leaves the process. */
const redactEmail: Plugin = {
  name: 'redact-email',
  beforeSend(event) {
    const traits = event.traits as Record<string, unknown> | undefined;
    if (!traits || !('email' in traits)) return;
    const { email: _email, ...rest } = traits;
    return { action: 'replace', event: { ...event, traits: rest } };
  },
};

/** Documented example: a context every event carries. */
const globalContext = (app: object) => (event: OutgoingEvent) => ({
  action: 'replace' as const,
  event: { ...event, context: { ...(event.context as object), app } },
});

describe('plugins', () => {
  test('redaction and a global context reach the wire, in plugin order', async () => {
    const seen: string[] = [];
    const { client } = testClient(server.url, {
      plugins: [redactEmail, globalContext({ name: 'shop', version: '2.1' }), (e) => void seen.push(JSON.stringify((e.context as any).app))],
    });
    client.identify({ userId: 'u1', traits: { email: 'a@example.com', plan: 'pro' } });
    client.track({ userId: 'u1', event: 'Viewed' });
    await client.close();
    const [identify, track] = server.requests.flatMap((r) => r.events);
    assert.deepEqual(identify.traits, { plan: 'pro' });
    assert.deepEqual(identify.context.app, { name: 'shop', version: '2.1' });
    assert.deepEqual(track.context.app, { name: 'shop', version: '2.1' });
    assert.deepEqual(identify.context.library, { name: 'rudderanalytics', version: '0.1.0' });
    assert.deepEqual(seen, [JSON.stringify({ name: 'shop', version: '2.1' }), JSON.stringify({ name: 'shop', version: '2.1' })]);
  });

  test('a drop is counted in stats().filtered, emitted with its details, and never sent', async () => {
    const { client } = testClient(server.url, {
      plugins: [
        { name: 'no-bots', beforeSend: (e) => (e.userId === 'bot' ? { action: 'drop', reason: 'bot traffic', details: { rule: 1 } } : undefined) },
      ],
    });
    const filtered: FilteredInfo[] = [];
    client.on('filtered', (info) => filtered.push(info));
    const dropped = client.track({ userId: 'bot', event: 'Crawled' });
    client.track({ userId: 'u1', event: 'Bought' });
    await client.send({
      type: 'batch',
      batch: [
        { type: 'track', userId: 'bot', event: 'X' },
        { type: 'track', userId: 'u2', event: 'Y' },
      ],
    });
    await client.send({ type: 'track', userId: 'bot', event: 'Z' });
    await client.close();
    const sent = server.requests.flatMap((r) => r.events);
    assert.deepEqual(
      sent.map((e) => e.userId),
      ['u1', 'u2'],
    );
    assert.equal(filtered.length, 3);
    assert.deepEqual(filtered[0], { plugin: 'no-bots', messageId: dropped, type: 'track', reason: 'bot traffic', details: { rule: 1 } });
    const stats = client.stats();
    assert.equal(stats.filtered, 3);
    assert.equal(stats.accepted, 2);
    assert.equal(stats.delivered, 2);
  });

  test('a plugin that throws is reported and skipped; the caller never sees it', async () => {
    const { client, logs } = testClient(server.url, {
      plugins: [
        function broken() {
          throw new Error('boom');
        },
        { name: 'bad-replace', beforeSend: (e) => ({ action: 'replace', event: { ...e, type: 'identify' } }) },
        {
          name: 'cyclic',
          beforeSend: (e) => {
            const c: any = { ...e };
            c.self = c;
            return { action: 'replace', event: c };
          },
        },
        { name: 'nonsense', beforeSend: () => ({ action: 'explode' }) as any },
      ],
    });
    const errors: PluginError[] = [];
    const id = client.track({ userId: 'u1', event: 'Still Sent' });
    client.on('pluginError', (e) => errors.push(e));
    client.track({ userId: 'u2', event: 'Also Sent' });
    await client.close();
    assert.deepEqual(
      server.requests.flatMap((r) => r.events).map((e) => e.event),
      ['Still Sent', 'Also Sent'],
    );
    // Without a listener the failures are logged; with one, emitted as typed errors.
    assert.equal(logs.filter((l) => l.level === 'error' && l.message.includes(id)).length, 4);
    assert.deepEqual(
      errors.map((e) => [e instanceof PluginError, e.code, e.plugin]),
      [
        [true, 'plugin_error', 'broken'],
        [true, 'plugin_error', 'bad-replace'],
        [true, 'plugin_error', 'cyclic'],
        [true, 'plugin_error', 'nonsense'],
      ],
    );
    assert.match(errors[0].message, /boom/);
    assert.match(errors[1].message, /may not change type/);
  });

  test('reject throws at the call (and rejects send); nothing of the call is queued', async () => {
    class PlanError extends Error {}
    const { client } = testClient(server.url, {
      plugins: [(e) => (e.event === 'Forbidden' ? { action: 'reject', error: new PlanError('not in the plan') } : undefined)],
    });
    assert.throws(() => client.track({ userId: 'u1', event: 'Forbidden' }), PlanError);
    await assert.rejects(
      client.send({
        type: 'batch',
        batch: [
          { type: 'track', userId: 'u1', event: 'Fine' },
          { type: 'track', userId: 'u1', event: 'Forbidden' },
        ],
      }),
      PlanError,
    );
    await client.close();
    assert.equal(server.requests.length, 0);
    assert.equal(client.stats().accepted, 0);
  });

  test('an entry that is no plugin is refused when the client is created', () => {
    assert.throws(
      () => testClient(server.url, { plugins: [42 as any] }),
      (e: unknown) => e instanceof ConfigError && /plugins\[0\]/.test((e as Error).message),
    );
  });
});
