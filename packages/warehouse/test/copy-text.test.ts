// COPY's text format as the PostgreSQL target writes it: tab-separated values, \N for NULL, and the
// four characters the format gives meaning to escaped (the round trip through a real server is in
// loader.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyLines, copyValue } from '../src/targets/copy-text.js';

describe('COPY text', () => {
  it('escapes backslash, newline, carriage return and tab, and nothing else', () => {
    assert.equal(copyValue('a\\b\nc\rd\te'), 'a\\\\b\\nc\\rd\\te');
    assert.equal(copyValue('plain "quoted", \'single\' ü😀'), 'plain "quoted", \'single\' ü😀');
    assert.equal(copyValue('\\N'), '\\\\N', 'the text \\N is not NULL');
  });
  it('writes NULL for null and undefined, numbers and booleans as text, other values as JSON', () => {
    assert.equal(copyValue(null), '\\N');
    assert.equal(copyValue(undefined), '\\N');
    assert.equal(copyValue(12.5), '12.5');
    assert.equal(copyValue(false), 'false');
    assert.equal(copyValue(['a\tb', 1]), '["a\\\\tb",1]');
  });
  it('writes every column of a row, a short row padded with NULL', () => {
    assert.equal(
      copyLines(
        [
          ['x', 1],
          ['y', 2, true],
        ],
        3,
      ),
      'x\t1\t\\N\ny\t2\ttrue\n',
    );
  });
});
