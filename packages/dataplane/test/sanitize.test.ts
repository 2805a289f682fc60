// The identifier rule shared with the SDK: rudder-go-kit's own test vectors, plus Go's JSON encoding of non-strings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanId, INVISIBLE_RUNES, rudderId, sanitizeUnicode, stringifyId } from '../src/index.js';

test('rudder-go-kit sanitize.Unicode vectors', () => {
  const cases: Array<[string, string]> = [
    ['\u0000 Test \u0000foo_bar-baz 123-222 \u0000', ' Test foo_bar-baz 123-222 '],
    ['\u0000', ''],
    ['\u0000 ', ' '],
    ['\u0000 \u0000', ' '],
    ['\u00A0\t\n\r\u034F', ''],
    ['τυχαίο;', 'τυχαίο;'],
  ];
  for (const [input, want] of cases) assert.equal(sanitizeUnicode(input), want, JSON.stringify(input));
  for (const r of INVISIBLE_RUNES) assert.equal(sanitizeUnicode(String.fromCodePoint(r)), '', r.toString(16));
  assert.equal(INVISIBLE_RUNES.length, 45);
});

test('unicode.IsPrint: controls, format, separators and private use go; letters, marks, symbols stay', () => {
  assert.equal(sanitizeUnicode('a\u0085b\u2028c\u2029d\ue000e\u0007f'), 'abcdef');
  assert.equal(sanitizeUnicode('é\u0301 ✓ 😀 ¼'), 'é\u0301 ✓ 😀 ¼');
  // A lone surrogate decodes to U+FFFD in Go, which is printable.
  assert.equal(sanitizeUnicode('x\ud800y'), 'x\ufffdy');
});

test('stringify.Any: strings as is, null as "", others as Go JSON (sorted keys, <>& escaped)', () => {
  assert.equal(stringifyId('u1'), 'u1');
  assert.equal(stringifyId(null), '');
  assert.equal(stringifyId(undefined), '');
  assert.equal(stringifyId(456), '456');
  assert.equal(stringifyId(1.5e-7), '1.5e-7');
  assert.equal(stringifyId(true), 'true');
  assert.equal(stringifyId({ b: 1, a: ['<x>&'] }), '{"a":["\\u003cx\\u003e\\u0026"],"b":1}');
  assert.equal(cleanId('  \u200bu1\u00a0 '), 'u1');
  assert.equal(cleanId(0), '0');
});

test('rudderId matches vectors computed independently (Python uuid + hashlib)', () => {
  assert.equal(rudderId('u1', ''), '5eff0fc3-0944-48fa-9c04-38f62e3890ca');
  assert.equal(rudderId('u1', 'a1'), 'f81ebcce-dafc-4607-b906-29e68e64b35f');
  assert.equal(rudderId('', 'a1'), 'b09c6e0b-7298-4c66-88e1-7af047315456');
  assert.equal(rudderId('u1', ''), '5eff0fc3-0944-48fa-9c04-38f62e3890ca', 'the memo returns the same id');
});
