/**
 * rudderanalytics: the RudderStack server-side SDK for TypeScript.
 *
 * ```ts
 * const client = RudderAnalytics.load(writeKey, dataPlaneUrl);
 * client.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 19.99 } });
 * await client.close();
 * ```
 * @packageDocumentation
 */
export { RudderAnalytics, type LoadOptions, type Stats, type DeliveredInfo, type ClientEvents } from './client.js';
export type { RetryInfo } from './dispatcher.js';
export {
  RudderError,
  ValidationError,
  ConfigError,
  DeliveryError,
  DroppedError,
  ClosedError,
  type FailureReason,
  type DropReason,
} from './errors.js';
export {
  PluginError,
  type Plugin,
  type PluginInput,
  type PluginVerdict,
  type OutgoingEvent,
  type FilteredInfo,
} from './middleware.js';
export { GATEWAY_MAX_BODY_BYTES, type ClientOptions, type RetryOptions, type Logger, type OverflowPolicy } from './options.js';
export { MemoryQueue, type EventQueue, type QueuedEvent, type Settle } from './queue.js';
export { batchBytes, batchBody, encodeEvent, SENT_AT_BYTES, type EncodedEvent } from './encode.js';
export { cleanId, isPresentId } from './ids.js';
export { createTestClient, type TestClient, type SentEvent } from './testing.js';
export { LIBRARY } from './version.js';
export type { CallWarning } from './validate.js';
export type * from './types.js';
