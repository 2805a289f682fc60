// One small interface for every warehouse the loader writes to. A target applies a batch in one
// transaction: new tables and columns, the rows, refused events and the loader's cursor together, so
// a crash repeats a batch or not at all, never half of one.
import type { ColumnType } from '../datatype.js';
import type { Schema, TableSchema } from '../schema.js';

export interface TableChange {
  table: string;
  /** The table does not exist yet: create it with these columns. Else add them. */
  create: boolean;
  columns: TableSchema;
}

export interface RefusedEvent {
  message_id: string;
  received_at: string | null;
  reason: string;
}

export interface LoadBatch {
  changes: TableChange[];
  /** Rows by table; each row's keys are column names of that table. */
  rows: Map<string, Record<string, unknown>[]>;
  /** The schema after this batch (every table the rows name is in it). */
  schema: Schema;
  refused: RefusedEvent[];
  /** The position the loader reached; stored with the rows. */
  cursor: number;
}

export interface TableInfo {
  table: string;
  rows: number;
  columns: { name: string; type: ColumnType; sqlType: string }[];
}

export interface WarehouseTarget {
  /** `duckdb:<file>` or the Postgres URL without its password. */
  readonly description: string;
  readSchema(): Promise<Schema>;
  readCursor(): Promise<number>;
  apply(batch: LoadBatch): Promise<void>;
  /** Tables with row counts and column types, for `rudder warehouse schema` and the live page. */
  describe(): Promise<TableInfo[]>;
  /** The latest rows of rudder_discards, newest first. */
  latestDiscards(limit: number): Promise<Record<string, unknown>[]>;
  latestRefused(limit: number): Promise<RefusedEvent[]>;
  /** Runs a query and returns its rows as plain objects (for tests and the CLI). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export const CURSOR_TABLE = 'rudder_local_load_cursor';
export const REFUSED_TABLE = 'rudder_local_refused';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The tables the loader keeps for itself, left out of schema listings. */
export const isStateTable = (name: string): boolean => name === CURSOR_TABLE || name === REFUSED_TABLE;

export type { Schema, TableSchema };
