/**
 * The bad-input corpus: every way we know to call the SDK wrongly. What the gateway refuses (or JSON
 * cannot carry, or is too large) is refused at the call with an error naming the field and the rule;
 * what the gateway accepts is delivered, with a warning naming the field when it is probably a mistake;
 * `strict: true` refuses both, with the field and the rule. Good events sent in between all reach a
 * real data plane, and nothing refused ever reaches the wire.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, RudderAnalytics, ValidationError, type CallWarning, type LoadOptions } from '../../src/index.js';
import { LIBRARY } from '../../src/version.js';
import { startStoredPlane } from '../support/dataplane.ts';
import { startFaultServer } from '../support/fault-server.ts';
import { recordUnhandledRejections } from '../support/watch.ts';

type Client = RudderAnalytics;
type Row = {
  name: string;
  /** Makes the bad call: throws, or returns a promise that rejects. */
  call: (client: Client) => unknown;
} &
  /** validation: always refused. warning: delivered with a warning, refused when strict. strict: refused only when strict. */
  ({ error: 'validation' | 'warning' | 'strict'; field: string; rule: RegExp; index?: number } | { error: 'config'; field: RegExp; rule: RegExp });

const KEY = 'wk_badinput_7f3a';
const URL_OK = 'http://127.0.0.1:9';
const load = (options: LoadOptions, url = URL_OK, key: unknown = KEY) =>
  RudderAnalytics.load(key as string, url, { flushOnExit: false, enable: false, ...options });

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
const deepCircular: Record<string, unknown> = { level1: { level2: {} } };
(deepCircular.level1 as { level2: Record<string, unknown> }).level2.back = deepCircular;
/** 11,000 × '€' is 11,000 UTF-16 units but 33,000 UTF-8 bytes: only a byte count catches it. */
const EURO_33K = '€'.repeat(11_000);
/** 8,200 × U+1F600 is 16,400 UTF-16 units, 32,800 UTF-8 bytes. */
const EMOJI_32K = '😀'.repeat(8_200);
const ID_RULE = /a userId or an anonymousId is required/;
const NOT_BLANK = /non-blank|must not be blank/;

const rows: Row[] = [
  // Ids: missing, blank, invisible.
  { name: 'no userId nor anonymousId', call: (c) => c.track({ event: 'E' } as never), error: 'validation', field: 'userId', rule: ID_RULE },
  { name: 'empty userId', call: (c) => c.track({ userId: '', event: 'E' }), error: 'validation', field: 'userId', rule: ID_RULE },
  { name: 'whitespace-only userId', call: (c) => c.track({ userId: ' \t\n\r ', event: 'E' }), error: 'validation', field: 'userId', rule: ID_RULE },
  {
    name: 'userId U+200B (zero width space)',
    call: (c) => c.track({ userId: '\u200B', event: 'E' }),
    error: 'validation',
    field: 'userId',
    rule: /invisible characters are removed/,
  },
  {
    name: 'userId U+00A0 (no-break space)',
    call: (c) => c.identify({ userId: '\u00A0\u00A0' }),
    error: 'validation',
    field: 'userId',
    rule: ID_RULE,
  },
  { name: 'userId U+0000 (NUL)', call: (c) => c.page({ userId: '\u0000', name: 'Home' }), error: 'validation', field: 'userId', rule: ID_RULE },
  {
    name: 'userId U+034F (combining grapheme joiner)',
    call: (c) => c.screen({ userId: '\u034F', name: 'S' }),
    error: 'validation',
    field: 'userId',
    rule: ID_RULE,
  },
  { name: 'userId U+FEFF (BOM)', call: (c) => c.group({ userId: '\uFEFF', groupId: 'g' }), error: 'validation', field: 'userId', rule: ID_RULE },
  {
    name: 'anonymousId of mixed invisibles',
    call: (c) => c.track({ anonymousId: ' \u200B\u00A0\u0000\u034F\u3164 ', event: 'E' }),
    error: 'validation',
    field: 'userId',
    rule: ID_RULE,
  },
  {
    name: 'userId null, anonymousId blank',
    call: (c) => c.track({ userId: null, anonymousId: '  ', event: 'E' } as never),
    error: 'validation',
    field: 'userId',
    rule: ID_RULE,
  },
  // Ids: wrong types.
  {
    name: 'userId an object',
    call: (c) => c.track({ userId: { id: 1 }, event: 'E' } as never),
    error: 'warning',
    field: 'userId',
    rule: /reads it as its JSON text/,
  },
  {
    name: 'anonymousId an array',
    call: (c) => c.track({ anonymousId: ['a'], event: 'E' } as never),
    error: 'warning',
    field: 'anonymousId',
    rule: /reads it as its JSON text/,
  },
  { name: 'userId NaN', call: (c) => c.identify({ userId: Number.NaN }), error: 'validation', field: 'userId', rule: /finite number/ },
  { name: 'userId Infinity', call: (c) => c.identify({ userId: Infinity }), error: 'validation', field: 'userId', rule: /finite number/ },
  {
    name: 'userId boolean',
    call: (c) => c.identify({ userId: true } as never),
    error: 'warning',
    field: 'userId',
    rule: /reads it as its JSON text/,
  },
  { name: 'userId BigInt', call: (c) => c.identify({ userId: 10n } as never), error: 'validation', field: 'userId', rule: /BigInt/ },
  // event, name, groupId, previousId.
  { name: 'track without event', call: (c) => c.track({ userId: 'u' } as never), error: 'strict', field: 'event', rule: /required on track/ },
  {
    name: 'track event a number',
    call: (c) => c.track({ userId: 'u', event: 42 } as never),
    error: 'strict',
    field: 'event',
    rule: /non-blank string/,
  },
  {
    name: 'track event an object',
    call: (c) => c.track({ userId: 'u', event: { name: 'E' } } as never),
    error: 'strict',
    field: 'event',
    rule: /non-blank string/,
  },
  { name: 'track event invisible', call: (c) => c.track({ userId: 'u', event: '\u200B ' }), error: 'strict', field: 'event', rule: NOT_BLANK },
  { name: 'page name missing', call: (c) => c.page({ userId: 'u' } as never), error: 'strict', field: 'name', rule: /required on page/ },
  { name: 'page name a number', call: (c) => c.page({ userId: 'u', name: 7 } as never), error: 'strict', field: 'name', rule: /non-blank string/ },
  {
    name: 'screen name null',
    call: (c) => c.screen({ userId: 'u', name: null } as never),
    error: 'strict',
    field: 'name',
    rule: /required on screen/,
  },
  {
    name: 'page category a number',
    call: (c) => c.page({ userId: 'u', name: 'N', category: 3 } as never),
    error: 'strict',
    field: 'category',
    rule: /must be a string/,
  },
  { name: 'group without groupId', call: (c) => c.group({ userId: 'u' } as never), error: 'strict', field: 'groupId', rule: /required on group/ },
  {
    name: 'group groupId an object',
    call: (c) => c.group({ userId: 'u', groupId: {} } as never),
    error: 'warning',
    field: 'groupId',
    rule: /reads it as its JSON text/,
  },
  {
    name: 'group groupId invisible',
    call: (c) => c.group({ userId: 'u', groupId: '\u00A0' }),
    error: 'strict',
    field: 'groupId',
    rule: /required on group and must not be blank/,
  },
  {
    name: 'alias without previousId',
    call: (c) => c.alias({ userId: 'u' } as never),
    error: 'strict',
    field: 'previousId',
    rule: /required on alias/,
  },
  {
    name: 'alias previousId an array',
    call: (c) => c.alias({ userId: 'u', previousId: ['p'] } as never),
    error: 'warning',
    field: 'previousId',
    rule: /reads it as its JSON text/,
  },
  {
    name: 'alias previousId blank',
    call: (c) => c.alias({ userId: 'u', previousId: '  ' }),
    error: 'strict',
    field: 'previousId',
    rule: /must not be blank/,
  },
  {
    name: 'alias with anonymousId only',
    call: (c) => c.alias({ anonymousId: 'a', previousId: 'p' } as never),
    error: 'strict',
    field: 'userId',
    rule: /required on alias/,
  },
  // context, properties, traits, integrations.
  {
    name: 'context a string',
    call: (c) => c.track({ userId: 'u', event: 'E', context: 'web' } as never),
    error: 'warning',
    field: 'context',
    rule: /is not an object/,
  },
  {
    name: 'context an array',
    call: (c) => c.track({ userId: 'u', event: 'E', context: [] } as never),
    error: 'warning',
    field: 'context',
    rule: /is not an object/,
  },
  {
    name: 'context a Map',
    call: (c) => c.track({ userId: 'u', event: 'E', context: new Map() } as never),
    error: 'validation',
    field: 'context',
    rule: /must not be a Map/,
  },
  {
    name: 'context null',
    call: (c) => c.track({ userId: 'u', event: 'E', context: null } as never),
    error: 'warning',
    field: 'context',
    rule: /is not an object/,
  },
  {
    name: 'properties a class instance',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: new (class P {})() } as never),
    error: 'warning',
    field: 'properties',
    rule: /is not an object/,
  },
  {
    name: 'traits a string',
    call: (c) => c.identify({ userId: 'u', traits: 'vip' } as never),
    error: 'warning',
    field: 'traits',
    rule: /is not an object/,
  },
  {
    name: 'circular properties',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: circular }),
    error: 'validation',
    field: 'properties.self',
    rule: /circular/,
  },
  {
    name: 'circular context, two levels down',
    call: (c) => c.track({ userId: 'u', event: 'E', context: deepCircular }),
    error: 'validation',
    field: 'context.level1.level2.back',
    rule: /circular/,
  },
  {
    name: 'BigInt in traits',
    call: (c) => c.identify({ userId: 'u', traits: { balance: 10n ** 20n } }),
    error: 'validation',
    field: 'traits.balance',
    rule: /BigInt/,
  },
  {
    name: 'Symbol in properties',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: { s: Symbol('x') } }),
    error: 'validation',
    field: 'properties.s',
    rule: /Symbol/,
  },
  {
    name: 'Symbol deep in an array',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: { a: [{ b: [1, Symbol('y')] }] } }),
    error: 'validation',
    field: 'properties.a[0].b[1]',
    rule: /Symbol/,
  },
  {
    name: 'function in context',
    call: (c) => c.track({ userId: 'u', event: 'E', context: { cb: () => 1 } }),
    error: 'validation',
    field: 'context.cb',
    rule: /function/,
  },
  {
    name: 'NaN in properties',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: { x: Number.NaN } }),
    error: 'validation',
    field: 'properties.x',
    rule: /finite number/,
  },
  {
    name: 'integrations value a string',
    call: (c) => c.track({ userId: 'u', event: 'E', integrations: { Amplitude: 'yes' } as never }),
    error: 'warning',
    field: 'integrations.Amplitude',
    rule: /not a boolean or an object/,
  },
  // Other fields.
  {
    name: 'unknown field (a typo)',
    call: (c) => c.track({ userId: 'u', event: 'E', userID: 'x' } as never),
    error: 'warning',
    field: 'userID',
    rule: /misspelling of userId/,
  },
  {
    name: 'originalTimestamp unparseable',
    call: (c) => c.track({ userId: 'u', event: 'E', originalTimestamp: 'yesterday' }),
    error: 'warning',
    field: 'originalTimestamp',
    rule: /not a Date, an ISO 8601 string or epoch milliseconds/,
  },
  {
    name: 'timestamp an invalid Date',
    call: (c) => c.track({ userId: 'u', event: 'E', timestamp: new Date(Number.NaN) }),
    error: 'warning',
    field: 'timestamp',
    rule: /not a Date, an ISO 8601 string or epoch milliseconds/,
  },
  {
    name: 'messageId a number',
    call: (c) => c.track({ userId: 'u', event: 'E', messageId: 123 } as never),
    error: 'warning',
    field: 'messageId',
    rule: /replaced by a generated UUID/,
  },
  {
    name: 'messageId invisible',
    call: (c) => c.track({ userId: 'u', event: 'E', messageId: '\u200B' }),
    error: 'warning',
    field: 'messageId',
    rule: /blank after invisible characters are removed/,
  },
  { name: 'call is null', call: (c) => c.track(null as never), error: 'validation', field: 'message', rule: /plain object/ },
  { name: 'call is a string', call: (c) => c.identify('u1' as never), error: 'validation', field: 'message', rule: /plain object/ },
  // Size, in UTF-8 bytes.
  {
    name: 'oversized: 11,000 × € (33,000 UTF-8 bytes, 11,000 UTF-16 units)',
    call: (c) => c.track({ userId: 'u', event: 'E', properties: { text: EURO_33K } }),
    error: 'validation',
    field: 'message',
    rule: /bytes serialized, over maxMessageBytes \(32768\)/,
  },
  {
    name: 'oversized: 8,200 × 😀 (32,800 UTF-8 bytes)',
    call: (c) => c.identify({ userId: 'u', traits: { bio: EMOJI_32K } }),
    error: 'validation',
    field: 'message',
    rule: /over maxMessageBytes/,
  },
  // send(): tagged calls and batches (rejections, not throws).
  {
    name: 'send() with an unknown type',
    call: (c) => c.send({ type: 'purchase', userId: 'u' } as never),
    error: 'warning',
    field: 'type',
    rule: /one of identify, track, page, screen, group, alias/,
  },
  {
    name: 'send() with no type',
    call: (c) => c.send({ userId: 'u', event: 'E' } as never),
    error: 'warning',
    field: 'type',
    rule: /one of identify/,
  },
  {
    name: 'send() a bad track',
    call: (c) => c.send({ type: 'track', userId: '\u200B', event: 'E' }),
    error: 'validation',
    field: 'userId',
    rule: ID_RULE,
  },
  { name: 'batch: empty', call: (c) => c.send({ type: 'batch', batch: [] }), error: 'validation', field: 'batch', rule: /non-empty array/ },
  {
    name: 'batch: not an array',
    call: (c) => c.send({ type: 'batch', batch: {} } as never),
    error: 'validation',
    field: 'batch',
    rule: /non-empty array/,
  },
  {
    name: 'batch: one item without ids, at index 2',
    call: (c) => c.send({ type: 'batch', batch: [good('b0'), good('b1'), { type: 'track', event: 'E', userId: ' ' }, good('b3')] }),
    error: 'validation',
    field: 'batch[2].userId',
    rule: ID_RULE,
    index: 2,
  },
  {
    name: 'batch: one item of unknown type, at index 1',
    call: (c) => c.send({ type: 'batch', batch: [good('c0'), { type: 'purchase', userId: 'u' } as never] }),
    error: 'warning',
    field: 'batch[1].type',
    rule: /one of identify/,
    index: 1,
  },
  {
    name: 'batch: one oversized item, at index 3',
    call: (c) =>
      c.send({ type: 'batch', batch: [good('d0'), good('d1'), good('d2'), { type: 'track', userId: 'u', event: 'E', properties: { t: EURO_33K } }] }),
    error: 'validation',
    field: 'batch[3]',
    rule: /over maxMessageBytes/,
    index: 3,
  },

  {
    name: 'batch: circular item property, at index 0',
    call: (c) => c.send({ type: 'batch', batch: [{ type: 'track', userId: 'u', event: 'E', properties: circular }] }),
    error: 'validation',
    field: 'batch[0].properties.self',
    rule: /circular/,
    index: 0,
  },
  // Configuration.
  { name: 'empty write key', call: () => load({}, URL_OK, ''), error: 'config', field: /writeKey/, rule: /non-empty string/ },
  { name: 'blank write key', call: () => load({}, URL_OK, '   '), error: 'config', field: /writeKey/, rule: /non-empty string/ },
  { name: 'write key not a string', call: () => load({}, URL_OK, 12345), error: 'config', field: /writeKey/, rule: /non-empty string/ },
  { name: 'empty data plane URL', call: () => load({}, ''), error: 'config', field: /dataPlaneUrl/, rule: /non-empty string/ },
  { name: 'data plane URL not a URL', call: () => load({}, 'localhost 8080'), error: 'config', field: /dataPlaneUrl/, rule: /not a valid URL/ },
  {
    name: 'data plane URL ftp://',
    call: () => load({}, 'ftp://127.0.0.1/'),
    error: 'config',
    field: /dataPlaneUrl/,
    rule: /http:\/\/ or https:\/\//,
  },
  {
    name: 'data plane URL javascript:',
    call: () => load({}, 'javascript:alert(1)'),
    error: 'config',
    field: /dataPlaneUrl/,
    rule: /http:\/\/ or https:\/\//,
  },
  {
    name: 'data plane URL with credentials',
    call: () => load({}, 'https://user:pass@example.com'),
    error: 'config',
    field: /dataPlaneUrl/,
    rule: /must not contain credentials/,
  },
  { name: 'flushAt 0', call: () => load({ flushAt: 0 }), error: 'config', field: /^flushAt/, rule: /integer from 1/ },
  { name: 'flushAt 1.5', call: () => load({ flushAt: 1.5 }), error: 'config', field: /^flushAt/, rule: /must be an integer/ },
  { name: 'flushAt a string', call: () => load({ flushAt: '10' as never }), error: 'config', field: /^flushAt/, rule: /must be an integer/ },
  { name: 'flushInterval negative', call: () => load({ flushInterval: -1 }), error: 'config', field: /^flushInterval/, rule: /integer from 0/ },
  {
    name: 'maxBatchBytes above the gateway cap',
    call: () => load({ maxBatchBytes: 5_000_000 }),
    error: 'config',
    field: /^maxBatchBytes/,
    rule: /to 4096000/,
  },
  { name: 'maxBatchBytes below 1 KB', call: () => load({ maxBatchBytes: 100 }), error: 'config', field: /^maxBatchBytes/, rule: /from 1024/ },
  {
    name: 'maxMessageBytes that leaves no room in a batch',
    call: () => load({ maxBatchBytes: 2048, maxMessageBytes: 4096 }),
    error: 'config',
    field: /^maxMessageBytes/,
    rule: /leave room for one event/,
  },
  { name: 'maxQueueSize NaN', call: () => load({ maxQueueSize: Number.NaN }), error: 'config', field: /^maxQueueSize/, rule: /must be an integer/ },
  { name: 'maxInFlight 0', call: () => load({ maxInFlight: 0 }), error: 'config', field: /^maxInFlight/, rule: /from 1 to 64/ },
  { name: 'maxInFlight 65', call: () => load({ maxInFlight: 65 }), error: 'config', field: /^maxInFlight/, rule: /from 1 to 64/ },
  { name: 'timeoutMs 0', call: () => load({ timeoutMs: 0 }), error: 'config', field: /^timeoutMs/, rule: /integer from 1/ },
  {
    name: 'retry.maxAttempts 0',
    call: () => load({ retry: { maxAttempts: 0 } }),
    error: 'config',
    field: /^retry\.maxAttempts/,
    rule: /integer from 1/,
  },
  {
    name: 'retry.minDelayMs negative',
    call: () => load({ retry: { minDelayMs: -5 } }),
    error: 'config',
    field: /^retry\.minDelayMs/,
    rule: /integer from 0/,
  },
  {
    name: 'overflow unknown',
    call: () => load({ overflow: 'block' as never }),
    error: 'config',
    field: /^overflow/,
    rule: /'drop-newest', 'drop-oldest' or 'throw'/,
  },
  {
    name: 'waitUntil not a function',
    call: () => load({ waitUntil: 'yes' as never }),
    error: 'config',
    field: /^waitUntil/,
    rule: /must be a function/,
  },
];

function good(tag: string) {
  return { type: 'track' as const, userId: 'good-user', event: 'Good', properties: { tag } };
}

/** Runs a bad call; returns what it threw or rejected with, or fails if it succeeded. */
async function failure(row: Row, client: Client): Promise<unknown> {
  let result: unknown;
  try {
    result = row.call(client);
  } catch (error) {
    return error;
  }
  if (result instanceof Promise) {
    try {
      await result;
    } catch (error) {
      return error;
    }
  }
  assert.fail(`${row.name}: accepted (returned ${String(result)})`);
}

/** Runs a call the gateway accepts; returns the warnings it raised, or fails if it was refused. */
async function success(row: Row, client: Client, warnings: CallWarning[]): Promise<CallWarning[]> {
  warnings.length = 0;
  try {
    const result = row.call(client);
    if (result instanceof Promise) await result;
  } catch (error) {
    assert.fail(`${row.name}: refused (${String(error)})`);
  }
  return [...warnings];
}

function assertRefused(row: Row & { field: string }, error: unknown): void {
  assert.ok(error instanceof ValidationError, `${row.name}: ${String(error)}`);
  assert.equal(error.field, row.field, row.name);
  assert.match(error.rule, row.rule, row.name);
  assert.equal(error.message, `${row.field}: ${error.rule}`, row.name);
  assert.equal(error.index, row.index, `${row.name}: index`);
}

test(`a corpus of ${rows.length} bad calls and options: refused with field and rule, or delivered with a warning naming the field, good events in between delivered`, async (t) => {
  assert.ok(rows.length >= 40);
  const rejections = recordUnhandledRejections();
  const plane = await startStoredPlane(KEY);
  const client = RudderAnalytics.load(KEY, plane.url, { flushOnExit: false, flushInterval: 10, gzip: true, logger: {} });
  t.after(async () => {
    rejections.stop();
    await client.close({ timeoutMs: 0 });
    await plane.close();
  });
  const deliveryErrors: unknown[] = [];
  client.on('error', (e) => deliveryErrors.push(e));
  const warnings: CallWarning[] = [];
  client.on('warning', (w) => warnings.push(w));

  const goodIds: string[] = [];
  let acceptedBad = 0;
  // At the byte limit but not over it: 10,500 × € is 31,500 bytes, and the event still fits in 32,768.
  goodIds.push(client.track({ userId: 'good-user', event: 'Good', properties: { tag: 'near-limit', text: '€'.repeat(10_500) } }));
  const seen = new Map<string, number>();
  for (const [i, row] of rows.entries()) {
    const before = client.stats().accepted;
    if (row.error === 'warning' || row.error === 'strict') {
      const raised = await success(row, client, warnings);
      if (row.error === 'warning') {
        const named = raised.find((w) => w.field === row.field);
        assert.ok(named, `${row.name}: a warning names ${row.field} (got ${JSON.stringify(raised)})`);
        assert.match(named.rule, row.rule, row.name);
        assert.equal(named.index, row.index, `${row.name}: index`);
      } else {
        assert.deepEqual(raised, [], `${row.name}: the gateway accepts it silently, so does the SDK`);
      }
      const accepted = client.stats().accepted - before;
      assert.ok(accepted >= 1, `${row.name}: accepted`);
      acceptedBad += accepted;
    } else {
      const error = await failure(row, client);
      if (row.error === 'validation') assertRefused(row, error);
      else {
        assert.ok(error instanceof ConfigError, `${row.name}: ${String(error)}`);
        assert.match(error.message, row.field, `${row.name}: the message names the option`);
        assert.match(error.message, row.rule, `${row.name}: the message names the rule`);
      }
      assert.equal(client.stats().accepted, before, `${row.name}: nothing accepted`);
    }
    seen.set(row.error, (seen.get(row.error) ?? 0) + 1);
    // A good event after every bad one: a bad call must not disturb its neighbours.
    goodIds.push(client.track({ userId: 'good-user', event: 'Good', properties: { tag: `after-${i}` } }));
    if (i % 10 === 0) goodIds.push(...(await sendGoodBatch(client, i)));
  }
  await client.flush();
  const stats = client.stats();
  const stored = new Set(plane.storedIds());
  const storedEvents = plane.storedEvents();
  t.diagnostic(`${rows.length} bad inputs (${[...seen].map(([k, n]) => `${n} ${k}`).join(', ')}), ${goodIds.length} good events delivered`);

  assert.deepEqual(deliveryErrors, []);
  const total = goodIds.length + acceptedBad;
  assert.deepEqual(stats, {
    accepted: total,
    replayed: 0,
    queued: 0,
    inFlight: 0,
    delivered: total,
    retried: 0,
    failed: 0,
    dropped: 0,
    persisted: 0,
  });
  // Every good event and every accepted one was stored: none lost, nothing refused on the wire.
  assert.equal(stored.size, total);
  for (const id of goodIds) assert.ok(stored.has(id), `good event ${id} stored`);
  for (const event of storedEvents) {
    // A context that is not an object is delivered as given (with a warning): there is no library to add.
    const context = event.context;
    if (typeof context === 'object' && context !== null && !Array.isArray(context))
      assert.deepEqual((context as { library: unknown }).library, LIBRARY);
  }
  const nearLimit = storedEvents.find((e) => (e.properties as { tag?: string } | undefined)?.tag === 'near-limit');
  assert.equal((nearLimit?.properties as { text?: string }).text, '€'.repeat(10_500), 'the multibyte event arrived intact');
  assert.deepEqual(rejections.reasons, []);
});

test("strict: true refuses every warning and requires the typed calls' fields, naming the field and the rule", async () => {
  const client = load({ strict: true, logger: {} });
  let checked = 0;
  for (const row of rows) {
    if (row.error === 'config') continue;
    assertRefused(row, await failure(row, client));
    checked++;
  }
  assert.equal(client.stats().accepted, 0);
  assert.ok(checked >= 40);
});

async function sendGoodBatch(client: Client, i: number): Promise<string[]> {
  const ids = [`good-${i}-a`, `good-${i}-b`];
  await client.send({ type: 'batch', batch: ids.map((messageId) => ({ ...good(`batch-${i}`), messageId })) });
  return ids;
}

test('boolean options of the wrong type are a ConfigError (enable: "false" sends)', () => {
  for (const name of ['enable', 'gzip', 'flushOnExit'] as const) {
    for (const value of ['false', 0, 1]) {
      assert.throws(
        () => RudderAnalytics.load(KEY, URL_OK, { flushOnExit: false, [name]: value as never }),
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
      () => RudderAnalytics.load(KEY, URL_OK, { flushOnExit: false, [name]: value } as never),
      (e: unknown) => e instanceof ConfigError && e.message.includes(name),
      name,
    );
  }
  assert.throws(() => RudderAnalytics.load(KEY, URL_OK, null as never), ConfigError, 'options: null');
});

test('a non-function fetch gets a message about the option, not about the runtime', () => {
  assert.throws(
    () => RudderAnalytics.load(KEY, URL_OK, { flushOnExit: false, fetch: 'x' as never }),
    (e: unknown) => e instanceof ConfigError && /fetch must be a function/.test(e.message),
  );
});

test('values JSON cannot encode are a ValidationError naming the field, never a raw error', () => {
  const client = RudderAnalytics.load(KEY, URL_OK, { flushOnExit: false, enable: false });
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

test('"__proto__" as a key of a call (as JSON.parse makes it) is data: delivered under its name, the event keeps its prototype and fields', async () => {
  const server = await startFaultServer();
  const client = RudderAnalytics.load(KEY, server.url, { flushOnExit: false, flushInterval: 1 });
  try {
    const call = JSON.parse('{"__proto__":{"messageId":"from-proto","polluted":true},"userId":"u","event":"Top","messageId":"mine-1"}');
    assert.equal(client.track(call), 'mine-1');
    const batch = JSON.parse(`{
      "type": "batch",
      "context": { "__proto__": { "fromBatch": 1 }, "app": { "__proto__": { "nested": "batch" }, "name": "a" } },
      "batch": [
        { "type": "track", "__proto__": { "x": 1 }, "userId": "u", "event": "Item", "messageId": "mine-2",
          "context": { "__proto__": { "fromItem": 2 }, "app": { "__proto__": { "nested": "item" } } } }
      ]
    }`);
    await client.send(batch);
    await client.flush();
    const [top, item] = server.delivered();
    for (const [event, id] of [
      [top, 'mine-1'],
      [item, 'mine-2'],
    ] as const) {
      assert.equal(event.messageId, id);
      assert.equal(event.channel, 'server');
      assert.equal(event.context.library.name, 'rudderanalytics');
      assert.equal(Object.getPrototypeOf(event), Object.prototype);
    }
    // What the gateway sees: "__proto__" keys on the wire, as the caller gave them.
    assert.ok(Object.hasOwn(top, '__proto__'));
    assert.deepEqual(top['__proto__'], { messageId: 'from-proto', polluted: true });
    assert.ok(Object.hasOwn(item, '__proto__'));
    assert.deepEqual(item['__proto__'], { x: 1 });
    // The batch context merged under the item's, "__proto__" keys included, the item winning.
    assert.ok(Object.hasOwn(item.context, '__proto__'));
    assert.deepEqual(item.context['__proto__'], { fromBatch: 1, fromItem: 2 });
    assert.ok(Object.hasOwn(item.context.app, '__proto__'));
    assert.deepEqual(item.context.app['__proto__'], { nested: 'item' });
    assert.equal(item.context.app.name, 'a');
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  } finally {
    await client.close();
    await server.close();
  }
});
