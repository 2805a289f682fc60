// RudderStack column types → SQL types per target, and back when the schema is read from the database.
// Postgres: rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// warehouse/integrations/postgres/postgres.go rudderDataTypesMapToPostgres (int bigint, float numeric,
// string text, datetime timestamptz, boolean boolean, json jsonb). DuckDB has no hosted counterpart:
// the closest types are used, and string and text are both VARCHAR.
import type { ColumnType } from '../datatype.js';

export const POSTGRES_TYPES: Readonly<Record<ColumnType, string>> = {
  int: 'bigint',
  float: 'numeric',
  string: 'text',
  text: 'text',
  datetime: 'timestamptz',
  boolean: 'boolean',
  json: 'jsonb',
};

export const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  int: 'BIGINT',
  float: 'DOUBLE',
  string: 'VARCHAR',
  text: 'VARCHAR',
  datetime: 'TIMESTAMP WITH TIME ZONE',
  boolean: 'BOOLEAN',
  json: 'JSON',
};

/** A column's SQL type (as information_schema reports it) → the RudderStack type it came from. */
export function rudderTypeOf(sqlType: string): ColumnType {
  const t = sqlType.toLowerCase();
  if (t === 'bigint' || t === 'integer' || t === 'smallint' || t === 'hugeint') return 'int';
  if (t === 'double' || t === 'numeric' || t.startsWith('decimal') || t === 'real' || t === 'double precision' || t === 'float') return 'float';
  if (t.startsWith('timestamp')) return 'datetime';
  if (t === 'boolean') return 'boolean';
  if (t === 'json' || t === 'jsonb') return 'json';
  return 'string';
}
