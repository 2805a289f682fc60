import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, RudderAnalytics, ValidationError, type CallWarning } from '../src/index.js';
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

function assertRefusals(cases: Case[]): void {
  for (const [name, call, field, rule] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof ValidationError, `${name}: ${String(error)}`);
      assert.equal(error.field, field, name);
      assert.match(error.message, rule, name);
      assert.ok(error.message.startsWith(`${field}: `), name);
      return true;
    });
  }
}

test('what the gateway refuses, or JSON cannot carry, is refused at once, naming the field and the rule', () => {
  const { client } = createTestClient();
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  assertRefusals([
    ['no ids', () => client.track({ event: 'E' } as never), 'userId', /userId or an anonymousId is required/],
    ['blank userId', () => client.track({ userId: '   ', event: 'E' }), 'userId', /non-blank/],
    ['invisible anonymousId', () => client.track({ anonymousId: '\u200B\u00A0', event: 'E' }), 'userId', /invisible/],
    ['NaN userId', () => client.identify({ userId: Number.NaN }), 'userId', /finite number/],
    ['circular property', () => client.track({ userId: 'u', event: 'E', properties: { nested: circular } }), 'properties.nested.self', /circular/],
    ['BigInt property', () => client.track({ userId: 'u', event: 'E', properties: { n: 10n } }), 'properties.n', /BigInt/],
    ['Symbol in an array', () => client.track({ userId: 'u', event: 'E', properties: { list: [1, Symbol('s')] } }), 'properties.list[1]', /Symbol/],
    ['function trait', () => client.identify({ userId: 'u', traits: { fn: () => 1 } }), 'traits.fn', /function/],
    ['Infinity', () => client.track({ userId: 'u', event: 'E', properties: { x: Infinity } }), 'properties.x', /finite/],
    ['BigInt in an extra field', () => client.track({ userId: 'u', event: 'E', revenue: 10n } as never), 'revenue', /BigInt/],
    ['function deep in an extra field', () => client.track({ userId: 'u', event: 'E', extra: { a: [() => 1] } } as never), 'extra.a[0]', /function/],
    ['not an object', () => client.track('hello' as never), 'message', /plain object/],
  ]);
  assert.equal(client.stats().accepted, 0);
});

test('what the gateway accepts is delivered; a probable mistake is warned about, naming the field', async () => {
  const warnings: CallWarning[] = [];
  const logged: string[] = [];
  const { client, events } = createTestClient({ logger: { warn: (m) => logged.push(m) } });
  client.on('warning', (w) => warnings.push(w));
  const cases: Array<[name: string, call: () => unknown, field: string | undefined, rule?: RegExp]> = [
    ['object userId', () => client.track({ userId: { id: 1 } as never, event: 'E' }), 'userId', /JSON text/],
    ['track without event', () => client.track({ userId: 'u' } as never), undefined],
    ['page without name', () => client.page({ userId: 'u' } as never), undefined],
    ['alias with only anonymousId', () => client.alias({ anonymousId: 'a', previousId: 'p' } as never), undefined],
    ['properties array', () => client.track({ userId: 'u', event: 'E', properties: [1] as never }), 'properties', /not an object/],
    ['context null', () => client.track({ userId: 'u', event: 'E', context: null as never }), 'context', /not an object/],
    [
      'integrations value',
      () => client.track({ userId: 'u', event: 'E', integrations: { All: 'yes' } as never }),
      'integrations.All',
      /boolean or an object/,
    ],
    [
      'unparseable originalTimestamp',
      () => client.track({ userId: 'u', event: 'E', originalTimestamp: 'yesterday' }),
      'originalTimestamp',
      /ISO 8601/,
    ],
    ['blank messageId', () => client.track({ userId: 'u', event: 'E', messageId: ' ' }), 'messageId', /replaced by a generated UUID/],
    [
      'misspelt anonymousId',
      () => client.track({ userId: 'u', event: 'E', annonymousId: 'x' } as never),
      'annonymousId',
      /misspelling of anonymousId/,
    ],
    [
      'misspelt originalTimestamp',
      () => client.track({ userId: 'u', event: 'E', originalTimeStamp: 'x' } as never),
      'originalTimeStamp',
      /misspelling of originalTimestamp/,
    ],
    ['misspelt messageId', () => client.track({ userId: 'u', event: 'E', messageid: 'x' } as never), 'messageid', /misspelling of messageId/],
    ['misspelt userId', () => client.track({ userId: 'u', event: 'E', userID: 'x' } as never), 'userID', /misspelling of userId/],
    ['misspelt sentAt', () => client.track({ userId: 'u', event: 'E', sentat: 'x' } as never), 'sentat', /misspelling of sentAt/],
    ['misspelt userId again', () => client.identify({ userId: 'u', userID: 'y' } as never), 'userID', /misspelling of userId/],
    [
      'fields of the gateway, not misspelt',
      () => client.track({ userId: 'u', event: 'E', receivedAt: 'r', request_ip: '1.2.3.4', rudderId: 'x', session_id: 7 } as never),
      undefined,
    ],
  ];
  for (const [name, call, field, rule] of cases) {
    warnings.length = 0;
    assert.doesNotThrow(call, name);
    if (field === undefined) assert.deepEqual(warnings, [], name);
    else {
      assert.equal(warnings.length, 1, `${name}: ${JSON.stringify(warnings)}`);
      assert.equal(warnings[0].field, field, name);
      assert.match(warnings[0].rule, rule!, name);
    }
  }
  await client.flush();
  assert.equal(events.length, cases.length);
  // Logged once per field name: the second misspelt userID was emitted, not logged again.
  assert.equal(logged.filter((m) => m.startsWith('userID: ')).length, 1);
  assert.equal(logged.length, cases.filter(([, , f]) => f !== undefined).length - 1);
});

test("a batch's own fields: one the gateway ignores, a context or originalTimestamp that cannot apply, are warned about; strict refuses the batch", async () => {
  const batch = {
    type: 'batch',
    batch: [{ type: 'track', userId: 'u', event: 'E' }],
    writeKey: 'k',
    sentAt: 'the SDK sets it',
    context: 'web',
    originalTimestamp: 'yesterday',
  } as never;
  const warnings: CallWarning[] = [];
  const { client, events } = createTestClient();
  client.on('warning', (w) => warnings.push(w));
  await client.send(batch);
  assert.deepEqual(
    warnings.filter((w) => !w.field.startsWith('batch[')).map((w) => w.field),
    ['writeKey', 'context', 'originalTimestamp'],
  );
  assert.match(warnings[0].rule, /not a field of a batch call; ignored/);
  assert.equal(events.length, 1);
  const { client: strict } = createTestClient({ strict: true });
  await assert.rejects(strict.send(batch), (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.field, 'writeKey');
    assert.match(error.message, /^writeKey: is not a field of a batch call; ignored .*\(refused: strict mode\)$/);
    return true;
  });
});

test("strict: true refuses the warnings and requires the typed calls' fields", () => {
  const { client } = createTestClient({ strict: true });
  assertRefusals([
    ['object userId', () => client.track({ userId: { id: 1 } as never, event: 'E' }), 'userId', /JSON text.*strict mode/],
    ['track without event', () => client.track({ userId: 'u' } as never), 'event', /required on track/],
    ['page without name', () => client.page({ userId: 'u' } as never), 'name', /required on page/],
    ['group without groupId', () => client.group({ userId: 'u' } as never), 'groupId', /required on group/],
    ['alias without previousId', () => client.alias({ userId: 'u' } as never), 'previousId', /required on alias/],
    ['alias with only anonymousId', () => client.alias({ anonymousId: 'a', previousId: 'p' } as never), 'userId', /required on alias/],
    ['misspelt field', () => client.track({ userId: 'u', event: 'E', userID: 'x' } as never), 'userID', /misspelling of userId.*strict mode/],
    ['unparseable timestamp', () => client.track({ userId: 'u', event: 'E', timestamp: 'NOW' }), 'timestamp', /ISO 8601.*strict mode/],
  ]);
  assert.equal(client.stats().accepted, 0);
});

test('the size limit counts UTF-8 bytes of the serialized event', () => {
  const { client } = createTestClient({ maxMessageBytes: 1024 });
  // 300 three-byte characters: 300 UTF-16 units, 900 bytes: over the limit once the envelope is added.
  assert.throws(
    () => client.track({ userId: 'u', event: 'E', properties: { text: '€'.repeat(300) } }),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.field, 'message');
      assert.match(error.rule, /over maxMessageBytes \(1024\)/);
      return true;
    },
  );
  client.track({ userId: 'u', event: 'E', properties: { text: 'e'.repeat(300) } });
});

test('send() rejects what it refuses instead of throwing, and warns about unknown types', async () => {
  const { client, events } = createTestClient();
  const warnings: CallWarning[] = [];
  client.on('warning', (w) => warnings.push(w));
  await assert.rejects(client.send('x' as never), (e: unknown) => e instanceof ValidationError && e.field === 'message');
  await assert.rejects(client.send({ type: 'batch', batch: [] }), (e: unknown) => e instanceof ValidationError && e.field === 'batch');
  await assert.rejects(
    client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E' }, 'x' as never] }),
    (e: unknown) => e instanceof ValidationError && e.field === 'batch[1]' && e.index === 1,
  );
  await client.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E' }, { type: 'pageview', userId: 'u' } as never] });
  assert.deepEqual(
    warnings.map((w) => [w.field, w.index]),
    [['batch[1].type', 1]],
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['track', 'pageview'],
  );
});

test('configuration errors name what is wrong', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => RudderAnalytics.load('', 'https://dp.example.com'), /writeKey/],
    [() => RudderAnalytics.load('  ', 'https://dp.example.com'), /writeKey/],
    [() => RudderAnalytics.load('wk', 'not a url'), /dataPlaneUrl is not a valid URL/],
    [() => RudderAnalytics.load('wk', 'ftp://dp.example.com'), /http:\/\/ or https:\/\//],
    [() => RudderAnalytics.load('wk', 'https://user:pw@dp.example.com'), /credentials/],
    [
      () => RudderAnalytics.load('wk', 'https://dp.example.com', { maxBatchBytes: 5_000_000 }),
      /maxBatchBytes must be an integer from 1024 to 4096000/,
    ],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { flushAt: 0 }), /flushAt/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { maxMessageBytes: 600_000 }), /maxMessageBytes must leave room/],
    [() => RudderAnalytics.load('wk', 'https://dp.example.com', { overflow: 'wait' as never }), /overflow/],
  ];
  for (const [load, message] of cases) assert.throws(load, (e: unknown) => e instanceof ConfigError && message.test(e.message));
});
