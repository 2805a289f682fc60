// The one rule for showing a write key, and the redactor the CLI passes every printed byte through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskKey, redactor } from '../src/mask.js';

test('maskKey shows the last 4 characters of a key of 12 or more, nothing of a shorter one', () => {
  assert.equal(maskKey('wk_SENTINEL_7f3a9c'), '…3a9c');
  assert.equal(maskKey('abcdefghijkl'), '…ijkl');
  assert.equal(maskKey('abcdefghijk'), '…');
  assert.equal(maskKey(''), '…');
});

test('redactor masks a key in any letter case, percent-encoded and as Basic auth base64', () => {
  const key = '2LxAbCdEfGh9KqZ7';
  const redact = redactor([key, 'other key/with+signs']);
  assert.equal(redact(`--write-key ${key}`), '--write-key …KqZ7');
  assert.equal(redact('plain http:// to 2lxabcdefgh9kqz7: use https://'), 'plain http:// to …KqZ7: use https://');
  assert.equal(redact(`HTTP://${key.toUpperCase()}/v1/batch`), 'HTTP://…KqZ7/v1/batch');
  assert.equal(redact(`Basic ${Buffer.from(`${key}:`).toString('base64')}`), 'Basic …KqZ7');
  assert.equal(redact(`?k=${encodeURIComponent('other key/with+signs')}`), '?k=…igns');
  assert.equal(redact('nothing secret here'), 'nothing secret here');
  assert.equal(redactor([])('as is'), 'as is');
});

test('a key that contains another secret is masked whole', () => {
  const redact = redactor(['abcdefghijkl', 'xxabcdefghijklyy']);
  assert.equal(redact('xxabcdefghijklyy'), '…klyy');
});
