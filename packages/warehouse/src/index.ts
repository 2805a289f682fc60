export { eventToRows, EventRefusedError, MAX_COLUMNS_IN_EVENT, type Row, type EventToRowsOptions } from './event-to-rows.js';
export { FLAVOURS, DEST_TYPE, parseFlavour, isFlavour, providerCase, type Flavour } from './flavour.js';
export { COLUMN_TYPES, dataTypeFor, type ColumnType } from './datatype.js';
export {
  safeName,
  safeTableName,
  safeNamespace,
  transformColumnName,
  transformTableName,
  isReservedWord,
  type NamingOptions,
} from './names.js';
export type { DestinationConfig } from './options.js';
export { isTimestamp, toTimestamp } from './timestamp.js';
