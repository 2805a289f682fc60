import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, RudderAnalytics, ValidationError } from '../src/index.js';
import { cleanId, isPresentId } from '../src/ids.js';
import { createTestClient } from '../src/testing.js';

test('ids follow the gateway: numbers stringified, invisible characters removed, whitespace trimmed', () => {
  assert.equal(cleanId(456), '456');
  assert.equal(cleanId(null), '');
  assert.equal(cleanId('  u1 \t'), 'u1');
  for (const invisible of ['\u200B', '\u0000', '\u00A0', '\u034F', '\uFEFF', '\u3164', '\u2800', ' \n\t ']) {
    assert.equal(isPresentId(invisible), false, `U+${invisible.charCodeAt(0).toString(16)} alone is not an id`);
    assert.equal(isPresentId(`a${invisible}`), true);
  }
  assert.equal(cleanId('a\u200Bb'), 'ab');
  assert.equal(isPresentId(0), true);
  assert.equal(isPresentId('é'), true);
});

type Case = [name: string, call: () => unknown, field: string, rule: RegExp];

test('each rule rejects the call at once, naming the field and the rule', () => {
  const { client } = createTestClient();
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const cases: Case[] = [
    ['no ids', () => client.track({ event: 'E' } as never), 'userId', /userId or an anonymousId is required/],
    ['blank userId', () => client.track({ userId: '   ', event: 'E' }), 'userId', /non-blank/],
    ['invisible anonymousId', () => client.track({ anonymousId: '\u200B\u00A0', event: 'E' }), 'userId', /invisible/],
    ['object userId', () => client.track({ userId: { id: 1 } as never, event: 'E' }), 'userId', /string or a finite number/],
    ['NaN userId', () => client.identify({ userId: Number.NaN }), 'userId', /finite number/],
    ['track without event', () => client.track({ userId: 'u' } as never), 'event', /required on track/],
    ['track with numeric event', () => client.track({ userId: 'u', event: 5 } as never), 'event', /must be a string/],
    ['track with blank event', () => client.track({ userId: 'u', event: ' ' }), 'event', /blank/],
    ['page without name', () => client.page({ userId: 'u' } as never), 'name', /required on page/],
    ['screen with object name', () => client.screen({ userId: 'u', name: {} } as never), 'name', /must be a string/],
    ['group without groupId', () => client.group({ userId: 'u' } as never), 'groupId', /required on group/],
    ['group with boolean groupId', () => client.group({ userId: 'u', groupId: true } as never), 'groupId', /string or a finite number/],
    ['alias without previousId', () => client.alias({ userId: 'u' } as never), 'previousId', /required on alias/],
    ['alias with only anonymousId', () => client.alias({ anonymousId: 'a', previousId: 'p' } as never), 'userId', /required on alias/],
    ['properties array', () => client.track({ userId: 'u', event: 'E', properties: [1] as never }), 'properties', /plain object/],
    ['traits string', () => client.identify({ userId: 'u', traits: 'x' as never }), 'traits', /plain object/],
    ['context not an object', () => client.track({ userId: 'u', event: 'E', context: 'web' as never }), 'context', /plain object/],
    ['context.library given', () => client.track({ userId: 'u', event: 'E', context: { library: { name: 'x' } } }), 'context.library', /set by the SDK/],
    ['integrations value', () => client.track({ userId: 'u', event: 'E', integrations: { All: 'yes' } as never }), 'integrations.All', /boolean or a plain object/],
    ['circular property', () => client.track({ userId: 'u', event: 'E', properties: { nested: circular } }), 'properties.nested.self', /circular/],
    ['BigInt property', () => client.track({ userId: 'u', event: 'E', properties: { n: 10n } }), 'properties.n', /BigInt/],
    ['Symbol in an array', () => client.track({ userId: 'u', event: 'E', properties: { list: [1, Symbol('s')] } }), 'properties.list[1]', /Symbol/],
    ['function trait', () => client.identify({ userId: 'u', traits: { fn: () => 1 } }), 'traits.fn', /function/],
    ['Infinity', () => client.track({ userId: 'u', event: 'E', properties: { x: Infinity } }), 'properties.x', /finite/],
    ['bad originalTimestamp', () => client.track({ userId: 'u', event: 'E', originalTimestamp: 'yesterday' }), 'originalTimestamp', /valid Date/],
    ['invalid Date', () => client.track({ userId: 'u', event: 'E', originalTimestamp: new Date('x') }), 'originalTimestamp', /valid Date/],
    ['blank messageId', () => client.track({ userId: 'u', event: 'E', messageId: ' ' }), 'messageId', /blank/],
    ['unknown field', () => client.track({ userId: 'u', event: 'E', sentAt: 'x' } as never), 'sentAt', /not a field of a track call/],
    ['not an object', () => client.track('hello' as never), 'message', /plain object/],
  ];
  for (const [name, call, field, rule] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof ValidationError, `${name}: ${String(error)}`);
      assert.equal(error.field, field, name);
      assert.match(error.message, rule, name);
      assert.ok(error.message.startsWith(`${field}: `), name);
      return true;
    });
  }
  assert.equal(client.stats().accepted, 0);
});

test('the size limit counts UTF-8 bytes of the serialized event', () => {
  const { client } = createTestClient({ maxMessageBytes: 1024 });
  // 300 three-byte characters: 300 UTF-16 units, 900 bytes: over the limit once the envelope is added.
  assert.throws(() => client.track({ userId: 'u', event: 'E', properties: { text: '€'.repeat(300) } }), (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.field, 'message');
    assert.match(error.rule, /over maxMessageBytes \(1024\)/);
    return true;
  });
  client.track({ userId: 'u', event: 'E', properties: { text: 'e'.repeat(300) } });
});

test('send() rejects bad messages instead of throwing', async () => {
  const { client } = createTestClient();
  await assert.rejects(client.send({ type: 'bogus' } as never), (e: unknown) => e instanceof ValidationError && e.field === 'type');
  await assert.rejects(client.send({ type: 'batch', batch: [] }), (e: unknown) => e instanceof ValidationError && e.field === 'batch');
  await assert.rejects(
    client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E' }], context: { library: {} } }),
    (e: unknown) => e instanceof ValidationError && e.field === 'context.library',
  );
  await assert.rejects(
    client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E' }, { type: 'pageview' } as never] }),
    (e: unknown) => e instanceof ValidationError && e.field === 'batch[1].type' && e.index === 1,
  );
});

test('configuration errors name what is wrong', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => RudderAnalytics.load('', 'https://dp.example.com'), /writeKey/],
    [() => RudderAnalytics.load('  ', 'https://dp.example.com'), /writeKey/],
    [() => RudderAnalytics.load('wk', 'not a url'), /dataPlaneUrl is not a valid URL/],
    [() => RudderAnalytics.load('wk', 'ftp://dp.example.com'), /http:\/\/ or https:\/\//],
    [() => RudderAnalytics.load('wk', 'https://user:pw@dp.example.com'), /credentials/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { maxBatchBytes: 5_000_000 }), /maxBatchBytes must be an integer from 1024 to 4096000/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { flushAt: 0 }), /flushAt/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { maxMessageBytes: 600_000 }), /maxMessageBytes must leave room/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { overflow: 'wait' as never }), /overflow/],
  ];
  for (const [load, message] of cases) assert.throws(load, (e: unknown) => e instanceof ConfigError && message.test(e.message));
});
