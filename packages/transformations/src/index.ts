export { runTransformation, TransformationRunner } from './runner.js';
export {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TRANSFORMATION_NAME,
  METADATA_FIELDS,
  STATUS_FAILED,
  STATUS_FILTERED,
  STATUS_OK,
  SUPPORTED_FUNC_NAMES,
} from './hosted.js';
export type * from './types.js';
