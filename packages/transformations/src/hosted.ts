// The hosted transformer's contract: limits and texts, each beside where it comes from.
// Source: rudderlabs/rudder-transformer @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8 (2026-08-06).

/** The exported names a transformation may define; exactly one of them (src/util/ivmFactory.js SUPPORTED_FUNC_NAMES). */
export const SUPPORTED_FUNC_NAMES = ['transformEvent', 'transformBatch'] as const;
export type TransformKind = (typeof SUPPORTED_FUNC_NAMES)[number];

/** Per-call CPU budget: src/util/customTransformer-v1.js IVM_EXECUTION_TIMEOUT default '4000' (ms). */
export const DEFAULT_TIMEOUT_MS = 4000;
/** Isolate heap: src/util/ivmFactory.js ISOLATE_VM_MEMORY default '128' (MB). */
export const DEFAULT_MEMORY_MB = 128;
/** The module name stack frames carry: src/util/customTransformer-v1.js `userTransformation.name || 'base transformation'`. */
export const DEFAULT_TRANSFORMATION_NAME = 'base transformation';
/** Library modules are compiled with filename `library ${name}` (src/util/ivmFactory.js loadModule). */
export const libraryFileName = (importName: string): string => `library ${importName}`;

/** Status codes of src/services/userTransform.ts transformRoutine; 298 is HTTP_CUSTOM_STATUS_CODES.FILTERED (src/constants). */
export const STATUS_OK = 200;
/** The status of an event the transformation failed on. */
export const STATUS_FAILED = 400;
/** The status of an event the transformation dropped (no output carries its messageId). */
export const STATUS_FILTERED = 298;

// Texts of src/util/ivmFactory.js (createIvm and its appended wrapper).
export const notExactlyOneFunction = (found: readonly string[]): string =>
  `Expected one of ${SUPPORTED_FUNC_NAMES.join(',')}. Found ${found.join(',')}`;
export const moduleNotFound = (spec: string): string => `import from ${spec} failed. Module not found.`;
export const BATCH_NOT_ARRAY = 'returned events from transformBatch(event) is not an array';
export const BATCH_ITEM_NOT_OBJECT = 'returned event in events array from transformBatch(events) is not an object';
export const EVENT_ITEM_NOT_OBJECT = 'returned event in events array from transformEvent(event) is not an object';
export const EVENT_NOT_OBJECT = 'returned event from transformEvent(event) is not an object';

/**
 * isolated-vm's texts when a limit ends a call; the transformer wraps them in `new Error(message)` and
 * transformRoutine reports `error.toString()` (src/util/customTransformer-v1.js transform(),
 * src/services/userTransform.ts), hence the "Error: " prefix on every event of the call.
 */
export const SYNC_TIMEOUT = 'Script execution timed out.';
export const MEMORY_LIMIT = 'Isolate was disposed during execution due to memory limit';
/** The outer race's text when a returned promise never settles (src/util/customTransformer-v1.js). */
export const ASYNC_TIMEOUT = 'Timed out';

/** getCredential(key) with a null/undefined key (src/util/ivmFactory.js _getCredential). */
export const CREDENTIAL_KEY_INVALID = 'Key should be valid and defined';
/** geolocation(ip) with no geolocation service configured / a bad address (src/util/ivmFactory.js, src/util/utils.js validateIp). */
export const GEOLOCATION_UNAVAILABLE = 'geolocation is not available right now';
export const GEOLOCATION_INVALID_IP = 'invalid ip address';
export const GEOLOCATION_IP_REQUIRED = 'ip address is required';
/** fetch() resolves this string instead of rejecting on any failure (src/util/ivmFactory.js _fetch). */
export const FETCH_FAILED = 'ERROR';

/** The fields metadata(event) exposes, in order (src/util/ivmFactory.js transformWrapper `metadata`). */
export const METADATA_FIELDS = [
  'sourceId',
  'sourceName',
  'workspaceId',
  'sourceType',
  'sourceCategory',
  'destinationId',
  'destinationType',
  'destinationName',
  'namespace',
  'originalSourceId',
  'trackingPlanId',
  'trackingPlanVersion',
  'sourceTpConfig',
  'mergedTpConfig',
  'jobId',
  'sourceJobId',
  'sourceJobRunId',
  'sourceTaskRunId',
  'recordId',
  'messageId',
  'messageIds',
  'rudderId',
  'receivedAt',
  'eventName',
  'eventType',
  'sourceDefinitionId',
  'destinationDefinitionId',
  'transformationId',
  'transformationVersionId',
] as const;
