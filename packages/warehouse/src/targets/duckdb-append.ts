// Positional rows → DuckDB's appender, which takes every column of the table in the table's order.
// Values are appended by their JavaScript type and DuckDB casts them to the column's type: numbers as
// DOUBLE (int columns get whole numbers from the schema rules, and the cast to BIGINT is exact), ISO
// datetimes as VARCHAR into TIMESTAMPTZ, JSON text as VARCHAR into JSON.
import type { DuckDBAppender } from '@duckdb/node-api';

/**
 * Appends `rows` (values by position in `columns`) to a table whose columns are `tableColumns`;
 * table columns the rows do not name are appended as NULL.
 */
export function appendRows(
  appender: DuckDBAppender,
  tableColumns: readonly string[],
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  const index = new Map(columns.map((c, i) => [c, i]));
  const source = tableColumns.map((c) => index.get(c) ?? -1);
  for (const row of rows) {
    for (let i = 0; i < source.length; i++) {
      const at = source[i];
      appendValue(appender, at < 0 ? undefined : row[at]);
    }
    appender.endRow();
  }
}

function appendValue(appender: DuckDBAppender, value: unknown): void {
  switch (typeof value) {
    case 'string':
      appender.appendVarchar(value);
      return;
    case 'number':
      appender.appendDouble(value);
      return;
    case 'boolean':
      appender.appendBoolean(value);
      return;
    case 'undefined':
      appender.appendNull();
      return;
    default:
      if (value === null) appender.appendNull();
      else appender.appendVarchar(JSON.stringify(value));
  }
}
