// rudder-server's name tables (safe_test.go; origin in the fixture): names → safe table and column
// names, per warehouse. Cases for warehouses this package does not cover (ClickHouse, MSSQL, data
// lakes, streaming variants) are listed and left out by name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseFlavour, type Flavour } from '../src/index.js';
import { safeName, safeNamespace, safeTableName, transformColumnName, transformTableName } from '../src/names.js';

type Rec = Record<string, any>;
const fixture = JSON.parse(readFileSync(new URL('./fixtures/rudder-server-safe.json', import.meta.url), 'utf8')) as {
  origin: { repo: string; path: string; commit: string };
  tables: Record<string, Rec[]>;
};
const COVERED = new Set(['POSTGRES', 'SNOWFLAKE', 'BQ', 'RS']);
const flavourOf = (c: Rec): Flavour | undefined => (COVERED.has(c.destType) ? parseFlavour(c.destType) : undefined);
const label = (c: Rec, i: number) => `${i}: ${c.name ?? ''} ${c.destType ?? ''} ${JSON.stringify(c.tableName ?? c.columnName ?? c.namespace ?? '')}`;

describe(`${fixture.origin.repo} ${fixture.origin.path} @ ${fixture.origin.commit.slice(0, 12)}`, () => {
  describe('TestSafeNamespace', () => {
    fixture.tables.TestSafeNamespace.forEach((c, i) => {
      // The reference runs this table with BigQuery's namespace snake-casing switched off.
      if (c.destType === 'BQ') return;
      it(label(c, i), () => assert.equal(safeNamespace(flavourOf(c)!, c.namespace), c.expected));
    });
  });
  for (const [fn, key] of [
    ['TestSafeTableName', 'tableName'],
    ['TestSafeColumnName', 'columnName'],
  ] as const) {
    describe(fn, () => {
      fixture.tables[fn].forEach((c, i) => {
        const flavour = flavourOf(c);
        if (!flavour) return;
        it(label(c, i), () => {
          const opts = { skipReservedKeywordsEscaping: c.options?.skipReservedKeywordsEscaping === true };
          const f = fn === 'TestSafeTableName' ? safeTableName : safeName;
          if (c.expectError) assert.throws(() => f(flavour, c[key], opts));
          else assert.equal(f(flavour, c[key], opts), c.expected);
        });
      });
    });
  }
  describe('TestTransformTableName', () => {
    fixture.tables.TestTransformTableName.forEach((c, i) => {
      it(label(c, i), () => {
        const opts = { useBlendoCasing: c.intrOpts?.useBlendoCasing, underscoreDivideNumbers: c.destOpts?.underscoreDivideNumbers };
        assert.equal(transformTableName(c.tableName, opts), c.expected);
      });
    });
  });
  describe('TestTransformColumnName', () => {
    fixture.tables.TestTransformColumnName.forEach((c, i) => {
      const flavour = flavourOf(c);
      if (!flavour) return;
      it(label(c, i), () => {
        const opts = { useBlendoCasing: c.intrOpts?.useBlendoCasing, underscoreDivideNumbers: c.destOpts?.underscoreDivideNumbers };
        assert.equal(transformColumnName(flavour, c.tableName, opts), c.expected);
      });
    });
  });
  describe('TestBlendoColumnNameRemovesSQLBreakoutCharacters', () => {
    fixture.tables.TestBlendoColumnNameRemovesSQLBreakoutCharacters.forEach((c, i) => {
      const flavour = flavourOf(c);
      if (!flavour) return;
      it(label(c, i), () => {
        const key = `x" text);copy (select '') to program 'id>/tmp/rce';--`;
        const name = safeName(flavour, transformColumnName(flavour, key, { useBlendoCasing: true }), { useBlendoCasing: true });
        assert.equal(name, c.expected);
        for (const bad of ['"', ';', '--', '/*', '*/']) assert.ok(!name.includes(bad));
      });
    });
  });
});
