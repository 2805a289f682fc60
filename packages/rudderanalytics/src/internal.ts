/**
 * Internal to the rudderanalytics packages (the `rudder` CLI, the local data plane): not part of the
 * SDK's documented API, and may change in any release. It exists so the CLI applies the very batch rule
 * the SDK applies, warns about (or, strict, refuses) a batch's own fields as the SDK does, and masks a
 * write key as the SDK does, and so the six event types are written down once.
 * @internal
 * @packageDocumentation
 */
export { batchDefaultsOf, batchFieldWarnings, withBatchDefaults, type BatchDefaults } from './batch.js';
export { EVENT_TYPES, strictRefusal } from './validate.js';
export { maskKey, redactor } from './redact.js';
export type { EventType } from './types.js';
