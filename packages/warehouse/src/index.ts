export { eventToRows, EventRefusedError, MAX_COLUMNS_IN_EVENT, type Row, type EventToRowsOptions } from './event-to-rows.js';
export { FLAVOURS, DEST_TYPE, parseFlavour, isFlavour, providerCase, type Flavour } from './flavour.js';
export { COLUMN_TYPES, dataTypeFor, type ColumnType } from './datatype.js';
export { safeName, safeTableName, safeNamespace, transformColumnName, transformTableName, isReservedWord, type NamingOptions } from './names.js';
export type { DestinationConfig } from './options.js';
export { isTimestamp, toTimestamp } from './timestamp.js';
export {
  planRow,
  convertForColumn,
  discardsSchema,
  COLUMN_LIMIT,
  DISCARDS_TABLE,
  type Schema,
  type TableSchema,
  type PlannedRow,
  type Discard,
} from './schema.js';
export { WarehouseLoader, type StoredEvent, type LoaderOptions, type LoadSummary } from './loader.js';
export type { WarehouseTarget, TableInfo, LoadBatch, TableChange, RefusedEvent } from './targets/target.js';
export { openDuckDb } from './targets/duckdb.js';
export { openPostgres, redactUrl } from './targets/postgres.js';
export { openTarget, parseTarget, flavourFor, type TargetSpec } from './target-url.js';
export { withProcessorTimeFields } from './processor-time.js';
