/**
 * `rudderanalytics/redis`: an event store in a Redis Stream shared by many processes (needs `ioredis`).
 *
 * ```ts
 * import { RudderAnalytics } from 'rudderanalytics';
 * import { RedisStore } from 'rudderanalytics/redis';
 * const client = RudderAnalytics.load(writeKey, dataPlaneUrl, { storage: new RedisStore({ redis: 'redis://127.0.0.1:6379' }) });
 * ```
 * @packageDocumentation
 */
export { RedisStore, type RedisStoreOptions, type RedisStoreStats } from './redis-store.js';
export type { DeadLetter, DeadLetterCause } from '../dead-letter-record.js';
