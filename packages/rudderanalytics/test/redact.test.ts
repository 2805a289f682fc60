/**
 * The write-key mask the SDK applies to a data plane's answer and the `rudder` CLI to all it prints,
 * and the byte budget on a response body: pure rules, checked at their edges.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyText } from '../src/answer.js';
import { maskKey, redactor } from '../src/redact.js';

describe('redactor()', () => {
  const key = 'wk/Key+With=Odd_chars€';
  const redact = redactor([key]);
  const basic = Buffer.from(`${key}:`).toString('base64');

  test('masks the key as given, in any letter case, percent-encoded, and base64 of `key:` with or without padding', () => {
    for (const form of [key, key.toUpperCase(), key.toLowerCase(), encodeURIComponent(key), basic, basic.replace(/=+$/, '')]) {
      const text = redact(`before ${form} after`);
      assert.equal(text, `before ${maskKey(key)} after`, form);
    }
  });

  test('leaves other text alone; no secrets, no change', () => {
    assert.equal(redact('nothing to see'), 'nothing to see');
    assert.equal(redactor([])('wk/Key'), 'wk/Key');
    assert.equal(redactor([''])('anything'), 'anything');
  });

  test('a key that contains another secret is masked whole', () => {
    assert.equal(redactor(['abc', 'abcdefghijklmnop'])('x abcdefghijklmnop y abc'), 'x …mnop y …');
  });

  test('maskKey shows the last 4 characters of a key of 12 or more, nothing of a shorter one', () => {
    assert.equal(maskKey('123456789012'), '…9012');
    assert.equal(maskKey('12345678901'), '…');
  });
});

describe('bodyText(): the response byte budget', () => {
  test('keeps reading while under the budget, and stops at it', () => {
    const body = bodyText(10);
    assert.equal(body.add(new TextEncoder().encode('12345')), true);
    assert.equal(body.add(new TextEncoder().encode('6789abcdef')), false);
    assert.equal(body.text(), '123456789a');
  });

  test('a character cut by the budget is left out, not turned into U+FFFD', () => {
    const body = bodyText(4);
    assert.equal(body.add(new TextEncoder().encode('ab€')), false);
    assert.equal(body.text(), 'ab');
  });

  test('a character split across chunks under the budget is kept whole', () => {
    const euro = new TextEncoder().encode('€');
    const body = bodyText();
    body.add(euro.subarray(0, 1));
    body.add(euro.subarray(1));
    assert.equal(body.text(), '€');
  });
});
