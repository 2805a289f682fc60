/**
 * `@rudderanalytics/dataplane`: a local RudderStack-compatible data plane for development and tests.
 * Start it with {@link startDataPlane}; see README.md for the HTTP, query and live-page surface.
 */
export { startDataPlane, type DataPlane, type DataPlaneOptions } from './dataplane.js';
export { DEV_WRITE_KEY, DEV_SOURCE_NAME, type ConfigFile } from './config.js';
export { MAX_API_LIMIT, type EventFilter } from './query.js';
export type { StoredEvent, PlanVerdict } from './rows.js';
export type { Synchronous } from './store.js';
export { STORAGE_ENGINES, type StorageEngine } from './engines.js';
export type { SourceConfig } from './sources.js';
export { maskKey, redactor } from './mask.js';
export type { DataPlaneLogger } from './logger.js';
export { Messages, DEFAULT_MAX_REQUEST_BYTES } from './messages.js';
export { sanitizeUnicode, cleanId, stringifyId, INVISIBLE_RUNES } from './sanitize.js';
export { rudderId } from './rudder-id.js';
export { parseDataPlaneArgs, DataPlaneArgsError, DATAPLANE_USAGE } from './cli.js';
export type { TrackingPlanSource, BrokenPlanSchema } from './tracking-plan.js';
export { TrackingPlanError } from './tracking-plan.js';
export type { TransformationSource } from './transformation-source.js';
export type { TransformedRecord, TransformedStatus } from './transformation-stage.js';
export {
  importWarehouse,
  type WarehouseStage,
  type WarehouseStatus,
  type WarehouseDescription,
  type WarehouseTable,
  type WarehouseColumn,
  type WarehouseRefusal,
} from './warehouse-stage.js';
export { backfillWarehouse, type BackfillOptions, type BackfillResult } from './warehouse-backfill.js';
