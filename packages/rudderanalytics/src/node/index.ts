/**
 * `rudderanalytics/node`: Node-only parts of the SDK. The crash-safe file store and dead-letter tools.
 *
 * ```ts
 * import { RudderAnalytics } from 'rudderanalytics';
 * import { FileStore } from 'rudderanalytics/node';
 * const client = RudderAnalytics.load(writeKey, dataPlaneUrl, { storage: new FileStore({ dir: '/var/lib/app/events' }) });
 * ```
 * @packageDocumentation
 */
export { FileStore, type FileStoreOptions, type FileStoreStats } from './file-store.js';
export type { FsyncPolicy } from './segment-log.js';
export { StoreLockedError } from './lock.js';
export { readDeadLetters, replayDeadLetters } from './dead-letter.js';
export { replayableEvent, type DeadLetter, type DeadLetterCause } from '../dead-letter-record.js';
