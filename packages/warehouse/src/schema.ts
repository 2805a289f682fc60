// The warehouse schema as events arrive: tables and columns are added, never changed, and a value
// whose type differs from its column's is converted or discarded as the hosted loader does it.
// Rules from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb:
// - warehouse/schema/schema.go (consolidateStagingSchemas, consolidateWarehouseSchema,
//   tableSchemaDiff): a column keeps the type it was created with (the first seen); only a `string`
//   column may become `text` (Redshift's long strings);
// - warehouse/slave/worker.go (HandleSchemaChange and the load loop): against the existing type,
//   a string/text column takes any value, stringified (`%v`) unless it is string/text/json already;
//   an int goes into a float column as a float; a float into an int column is truncated; a json column
//   takes numbers and booleans as their text, arrays as they are, anything else as a quoted string;
//   anything else is "incompatible schema conversion from X to Y": the column is left empty and the
//   value goes to rudder_discards (table_name, row_id, column_name, column_value, received_at, reason,
//   uuid_ts) when the row has an id and a received_at; arrays are written as JSON;
// - warehouse/utils/utils.go DiscardsSchema; warehouse/integrations/config/config.go
//   ColumnCountLimitMap: 1,600 columns per table for Postgres and Redshift, 10,000 for BigQuery.
//   The hosted upload fails when a table would pass its limit; locally the column is not created and
//   its value is discarded with that reason, so the rest of the event still loads.
import type { ColumnType } from './datatype.js';
import { providerCase, type Flavour } from './flavour.js';
import type { Row } from './event-to-rows.js';
import { plannable, type PlannableRow } from './row-parts.js';
import { goJson, goString } from './values.js';

/** A table's columns and their types. */
export type TableSchema = Record<string, ColumnType>;
/** Tables by name. */
export type Schema = Record<string, TableSchema>;

/** The table conflicting values go to. */
export const DISCARDS_TABLE = 'rudder_discards';

/** Columns per table each warehouse allows. */
export const COLUMN_LIMIT: Readonly<Record<Flavour, number>> = {
  postgres: 1600,
  redshift: 1600,
  bigquery: 10000,
  snowflake: Number.POSITIVE_INFINITY,
};

/** A value that did not fit its column: a row of rudder_discards. */
export interface Discard {
  /** The row's table. */
  table_name: string;
  /** The row's id. */
  row_id: unknown;
  /** The column it did not fit. */
  column_name: string;
  /** The value, as text. */
  column_value: string;
  /** The row's received_at. */
  received_at: unknown;
  /** Why, e.g. `incompatible schema conversion from int to string`. */
  reason: string;
}

/** What one row changes in the schema and what is written. */
export interface PlannedRow {
  /** The table. */
  table: string;
  /** Columns to create (the table too, when it does not exist yet), with their types. */
  newColumns: TableSchema;
  /** Columns whose type moves from string to text. */
  widened: TableSchema;
  /** The values to write, by column; load-time columns (uuid_ts, loaded_at) are filled by the target. */
  values: Record<string, unknown>;
  /** Values that did not fit. */
  discards: Discard[];
}

/** The columns of rudder_discards. */
export function discardsSchema(flavour: Flavour): TableSchema {
  const cols: TableSchema = {
    table_name: 'string',
    row_id: 'string',
    column_name: 'string',
    column_value: 'string',
    received_at: 'datetime',
    uuid_ts: 'datetime',
    reason: 'string',
  };
  if (flavour === 'bigquery') cols.loaded_at = 'datetime';
  return Object.fromEntries(Object.entries(cols).map(([k, v]) => [providerCase(flavour, k), v]));
}

export function discardsTable(flavour: Flavour): string {
  return providerCase(flavour, DISCARDS_TABLE);
}

const LOAD_TIME = new Set(['uuid_ts', 'loaded_at', 'UUID_TS', 'LOADED_AT']);
export const isLoadTimeColumn = (column: string): boolean => LOAD_TIME.has(column);

class Incompatible extends Error {}

/** A value of type `inferred` written into a column of type `existing`, or Incompatible. */
export function convertForColumn(existing: ColumnType, inferred: ColumnType, value: unknown): unknown {
  if (existing === 'string' || existing === 'text') {
    return inferred !== 'string' && inferred !== 'text' && inferred !== 'json' ? goString(value) : value;
  }
  if (inferred === 'int' && existing === 'float') {
    if (typeof value === 'number') return value;
  } else if (inferred === 'float' && existing === 'int') {
    if (typeof value === 'number') return Math.trunc(value);
  } else if (existing === 'json') {
    if (inferred === 'int' || inferred === 'float' || inferred === 'boolean') return goString(value);
    if (Array.isArray(value)) return value;
    return JSON.stringify(goString(value));
  }
  throw new Incompatible(`incompatible schema conversion from ${existing} to ${inferred}`);
}

/**
 * Plans one row against the schema and records its new columns in `schema` (so the next row of the
 * same batch sees them).
 */
export function planRow(schema: Schema, row: Row, flavour: Flavour): PlannedRow {
  const layout = newLayout([]);
  const plan = planRowInto(schema, plannable(row), flavour, layout);
  const values: Record<string, unknown> = {};
  layout.columns.forEach((column, i) => {
    if (i in plan.values) values[column] = plan.values[i];
  });
  return { table: row.table, newColumns: plan.newColumns ?? {}, widened: plan.widened ?? {}, values, discards: plan.discards ?? [] };
}

/** A table's columns in the order its positional rows hold them, and each column's position. */
export interface RowLayout {
  readonly columns: string[];
  readonly index: Map<string, number>;
}

export function newLayout(columns: readonly string[]): RowLayout {
  return { columns: [...columns], index: new Map(columns.map((c, i) => [c, i])) };
}

/** A {@link PlannedRow} with its values by position in a {@link RowLayout}; the rest only when any. */
export interface PositionalPlan {
  /** Values by position; columns the row does not write are holes. */
  values: unknown[];
  newColumns?: TableSchema;
  widened?: TableSchema;
  discards?: Discard[];
}

/**
 * planRow with the values written by position into `layout` (which gets the row's columns it lacks
 * appended): no object per row keyed by column names, which at a million events was most of the
 * loader's garbage.
 */
export function planRowInto(schema: Schema, row: PlannableRow, flavour: Flavour, layout: RowLayout): PositionalPlan {
  const known = schema[row.table];
  const table: TableSchema = known ?? {};
  if (!known) schema[row.table] = table;
  const plan: PositionalPlan = { values: [] };
  const discard = (column: string, value: unknown, reason: string) => {
    const rowId = row.value(providerCase(flavour, 'id'));
    const receivedAt = row.value(providerCase(flavour, 'received_at'));
    if (rowId === undefined || receivedAt === undefined) return;
    (plan.discards ??= []).push({
      table_name: row.table,
      row_id: rowId,
      column_name: column,
      column_value: goString(value),
      received_at: receivedAt,
      reason,
    });
  };
  const limit = COLUMN_LIMIT[flavour];
  row.forEachColumn((column, type, given, hasValue) => {
    let existing = table[column];
    if (existing === undefined) {
      if (Object.keys(table).length >= limit) {
        if (!isLoadTimeColumn(column) && hasValue) {
          discard(column, given, `table ${row.table} has reached the ${flavour} limit of ${limit} columns`);
        }
        return;
      }
      table[column] = type;
      (plan.newColumns ??= {})[column] = type;
      existing = type;
    } else if (existing === 'string' && type === 'text') {
      table[column] = 'text';
      (plan.widened ??= {})[column] = 'text';
      existing = 'text';
    }
    let position = layout.index.get(column);
    if (position === undefined) {
      position = layout.columns.push(column) - 1;
      layout.index.set(column, position);
    }
    if (isLoadTimeColumn(column) || !hasValue) return;
    let value = given;
    if (existing !== type) {
      try {
        value = convertForColumn(existing, type, value);
      } catch (err) {
        if (!(err instanceof Incompatible)) throw err;
        discard(column, value, err.message);
        return;
      }
    }
    if (existing === 'int' && typeof value === 'number') value = Math.trunc(value);
    plan.values[position] = Array.isArray(value) && existing !== 'json' ? goJson(value) : value;
  });
  return plan;
}

/** The discards rows of a plan, as a row of rudder_discards (column names in the flavour's case). */
export function discardRow(flavour: Flavour, d: Discard): Record<string, unknown> {
  const c = (k: string) => providerCase(flavour, k);
  return {
    [c('table_name')]: d.table_name,
    [c('row_id')]: goString(d.row_id),
    [c('column_name')]: d.column_name,
    [c('column_value')]: d.column_value,
    [c('received_at')]: d.received_at,
    [c('reason')]: d.reason,
  };
}
