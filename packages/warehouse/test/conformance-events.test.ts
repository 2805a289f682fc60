// rudder-server's own table of events and the rows its warehouse transformer produces for them
// (TestEvents/"Basic events" in events_test.go; origin in the fixture), run against eventToRows for
// the flavours this package covers: POSTGRES, SNOWFLAKE, BQ (bigquery) and RS (redshift).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { eventToRows, EventRefusedError, parseFlavour, type Row } from '../src/index.js';

interface Case {
  name: string;
  configOverride: Record<string, unknown>;
  event: Record<string, unknown>;
  metadata: Record<string, string>;
  destination: { type: string; config: Record<string, unknown> };
  expected: { data: Record<string, unknown>; metadata: { table: string; columns: Record<string, string> } }[];
  failed: { error: string; statusCode: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/rudder-server-events.json', import.meta.url), 'utf8')) as {
  origin: { repo: string; path: string; commit: string };
  cases: Case[];
};
const COVERED = new Set(['POSTGRES', 'SNOWFLAKE', 'BQ', 'RS']);

export function run(c: Case): Row[] {
  const m = c.metadata;
  return eventToRows(c.event, {
    destination: parseFlavour(m.DestinationType),
    config: c.destination.config,
    sourceId: m.SourceID,
    sourceType: m.SourceType,
    destinationId: m.DestinationID,
    sourceCategory: m.SourceCategory ?? '',
    receivedAt: m.ReceivedAt,
    recordId: m.RecordID,
    idResolution: c.configOverride['Warehouse.enableIDResolution'] === true,
  });
}

describe(`${fixture.origin.repo} ${fixture.origin.path} @ ${fixture.origin.commit.slice(0, 12)}`, () => {
  const covered = fixture.cases.filter((c) => COVERED.has(c.metadata.DestinationType));
  it('covers every case of the reference table but the data-lake ones', () => {
    const others = fixture.cases.filter((c) => !COVERED.has(c.metadata.DestinationType)).map((c) => c.name);
    assert.deepEqual(others, ['identify (S3_DATALAKE)']);
    assert.ok(covered.length >= 95, `${covered.length} cases`);
  });
  for (const c of covered) {
    it(c.name, () => {
      if (c.failed.length > 0) {
        assert.throws(
          () => run(c),
          (err: unknown) => err instanceof EventRefusedError && err.message === c.failed[0].error && err.statusCode === c.failed[0].statusCode,
        );
        return;
      }
      const rows = run(c);
      // The reference compares the stored full event as JSON (testhelper/validate.go: JSONEq).
      const parsed = (data: Record<string, unknown>) =>
        typeof data.rudder_event === 'string' ? { ...data, rudder_event: JSON.parse(data.rudder_event) } : data;
      const actual = rows.map((r) => ({ table: r.table, columns: r.columns, data: parsed(r.data) }));
      const expected = c.expected.map((e) => ({
        table: e.metadata.table,
        columns: e.metadata.columns,
        data: parsed(e.data),
      }));
      assert.deepEqual(actual, expected);
    });
  }
});
