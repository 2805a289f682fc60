// Datetimes in the form Date#toISOString writes are read without the full pattern: the result must be
// what the full rules give (a day past the month's end rolls over, a year below 100 and a month 13
// are not this form's to decide).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTimestamp, toTimestamp } from '../src/timestamp.js';

describe('canonical datetimes', () => {
  it('are their own normal form when valid', () => {
    for (const s of ['2024-05-01T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '1999-12-31T00:00:00.123Z', '9999-12-31T23:59:59.999Z']) {
      assert.equal(toTimestamp(s), s);
    }
  });
  it('roll a day past the month end over, as the full rules do', () => {
    assert.equal(toTimestamp('2023-02-29T10:00:00.000Z'), '2023-03-01T10:00:00.000Z');
    assert.equal(toTimestamp('2024-04-31T00:00:00.000Z'), '2024-05-01T00:00:00.000Z');
    assert.equal(toTimestamp('1900-02-29T00:00:00.000Z'), '1900-03-01T00:00:00.000Z');
  });
  it('leave early years and impossible fields to the full rules', () => {
    assert.equal(toTimestamp('0099-01-01T00:00:00.000Z'), '0099-01-01T00:00:00.000Z');
    assert.equal(isTimestamp('2024-13-01T00:00:00.000Z'), false);
    assert.equal(isTimestamp('2024-01-01T24:00:00.000Z'), false);
    assert.equal(isTimestamp('2024-01-01T10:60:00.000Z'), false);
    assert.equal(toTimestamp('2024-01-01T10:00:00.000+'), '2024-01-01T10:00:00.000+');
  });
  it('alternate with other forms without mixing them up', () => {
    assert.equal(toTimestamp('2024-05-01 10:00:00+02:00'), '2024-05-01T08:00:00.000Z');
    assert.equal(toTimestamp('2024-05-01T10:00:00.000Z'), '2024-05-01T10:00:00.000Z');
    assert.equal(toTimestamp('2024-05-01'), '2024-05-01T00:00:00.000Z');
  });
});
