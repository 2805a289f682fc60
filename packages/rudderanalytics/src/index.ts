/**
 * rudderanalytics: the RudderStack server-side SDK for TypeScript.
 *
 * ```ts
 * const client = RudderAnalytics.load(writeKey, dataPlaneUrl);
 * client.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 19.99 } });
 * await client.close();
 * ```
 * Exactly the documented surface: helpers that only tests and benchmarks use are imported from their modules.
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
  TimeoutError,
  type FailureReason,
  type DropReason,
} from './errors.js';
export { PluginError, type Plugin, type PluginInput, type PluginVerdict, type OutgoingEvent, type FilteredInfo } from './middleware.js';
export { GATEWAY_MAX_BODY_BYTES, type ClientOptions, type RetryOptions, type Logger, type OverflowPolicy } from './options.js';
export type { Journal, ReplayIntake } from './journal.js';
export type { EncodedEvent, QueuedEvent, Settle } from './encode.js';
export { createTestClient, type TestClient, type SentEvent } from './testing.js';
export type { CallWarning } from './validate.js';
export type * from './types.js';
