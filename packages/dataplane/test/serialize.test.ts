// The recursion-free serializer: the same text as JSON.stringify where that works, and any depth.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { goMarshal } from '../src/sanitize.js';
import { serializeDeep, STANDARD_STYLE, stringifyJson } from '../src/serialize.js';

test('serializeDeep equals JSON.stringify for any decoded JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const decoded = JSON.parse(JSON.stringify(v)) as unknown;
      assert.equal(serializeDeep(decoded, STANDARD_STYLE), JSON.stringify(decoded));
    }),
    { numRuns: 500 },
  );
});

test('goMarshal sorts keys by UTF-8 bytes and escapes <>& at any depth', () => {
  assert.equal(goMarshal({ b: 1, a: ['<&>', { d: null, c: true }] }), '{"a":["\\u003c\\u0026\\u003e",{"c":true,"d":null}],"b":1}');
  assert.equal(goMarshal({ '\u{1F600}': 1, '\uFF5E': 2 }), '{"～":2,"😀":1}');
});

test('100,000 levels: JSON.stringify overflows, stringifyJson and goMarshal do not', () => {
  const depth = 100_000;
  const text = `{"a":${'['.repeat(depth)}{"z":1,"y":2}${']'.repeat(depth)}}`;
  const value = JSON.parse(text) as unknown;
  assert.throws(() => JSON.stringify(value), RangeError);
  assert.equal(stringifyJson(value), text);
  assert.equal(goMarshal(value), text.replace('{"z":1,"y":2}', '{"y":2,"z":1}'));
});
