/**
 * The generated messageId and timestamps: nowIso() formats like Date#toISOString at every millisecond
 * (it reuses the second's prefix), and randomUuid() gives distinct version 4 UUIDs across the refills of
 * its entropy pool.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nowIso } from '../src/clock.js';
import { randomUuid } from '../src/uuid.js';

test('nowIso() is Date#toISOString of the current millisecond, across millisecond, second, day and year boundaries', (t) => {
  const realNow = Date.now;
  t.after(() => (Date.now = realNow));
  const starts = [0, Date.UTC(2026, 10, 29, 23, 59, 59, 990), Date.UTC(2027, 11, 31, 23, 59, 58, 995), Date.UTC(2024, 1, 29, 12, 0, 0, 0)];
  for (const start of starts) {
    for (let ms = start; ms < start + 1500; ms += 7) {
      Date.now = () => ms;
      assert.equal(nowIso(), new Date(ms).toISOString());
      assert.equal(nowIso(), new Date(ms).toISOString(), 'the same millisecond again');
    }
  }
  Date.now = realNow;
  const before = Date.now();
  const iso = Date.parse(nowIso());
  assert.ok(iso >= before && iso <= Date.now());
});

test('randomUuid() gives distinct version 4, variant 1 UUIDs, across several refills of its pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = randomUuid();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 5000);
});
