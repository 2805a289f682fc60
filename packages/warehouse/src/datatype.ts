// Column types RudderStack infers from a value. Rules from
// rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/datatype.go:
// - numbers: a whole number is `int` (JSON has only doubles, so 3.0 is int), otherwise `float`;
// - booleans `boolean`; a string that reads as a datetime (timestamp.ts) `datetime`;
// - Postgres and Snowflake: `json` for a JSON-path key and for `violationErrors`, else `string`;
// - Redshift: `json` for a JSON-path key, `text` for a string (or array/object as JSON) longer than
//   512 UTF-16 units, else `string`; BigQuery: `string`.
import type { Flavour } from './flavour.js';
import { isTimestamp, toTimestamp } from './timestamp.js';
import { goJson } from './values.js';

/** RudderStack's column types. */
export type ColumnType = 'int' | 'float' | 'boolean' | 'datetime' | 'string' | 'text' | 'json';

/** Every column type. */
export const COLUMN_TYPES: readonly ColumnType[] = ['int', 'float', 'boolean', 'datetime', 'string', 'text', 'json'];

const REDSHIFT_STRING_LIMIT = 512;

/** The type RudderStack infers for a value under `key`. */
export function dataTypeFor(flavour: Flavour, key: string, value: unknown, isJsonKey: boolean): ColumnType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' && isTimestamp(value)) return 'datetime';
  switch (flavour) {
    case 'postgres':
    case 'snowflake':
      return isJsonKey || key === 'violationErrors' ? 'json' : 'string';
    case 'redshift':
      if (isJsonKey) return 'json';
      if (value === null || value === undefined) return 'string';
      return redshiftNeedsText(value) ? 'text' : 'string';
    default:
      return 'string';
  }
}

function redshiftNeedsText(value: unknown): boolean {
  if (typeof value === 'string') return value.length > REDSHIFT_STRING_LIMIT;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    return goJson(value).length > REDSHIFT_STRING_LIMIT;
  }
  return false;
}

/** A datetime column's value in the reference's normal form. */
export function convertIfDateTime(value: unknown, type: ColumnType): unknown {
  return type === 'datetime' ? toTimestamp(value) : value;
}
