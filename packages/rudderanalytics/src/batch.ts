/**
 * The batch rule, one implementation for the SDK's `send({ type: 'batch' })` and the CLI's batch
 * documents: batch-level `context` is merged under each item's, recursively (the item wins);
 * batch-level `integrations` and `originalTimestamp` apply to items without their own.
 */
import { put } from './own.js';
import { wireTimestamp } from './time.js';
import { isPlainObject, type CallWarning } from './validate.js';
import type { Integrations, JsonObject } from './types.js';

/** What a batch passes down to its items. */
export interface BatchDefaults {
  context?: JsonObject;
  integrations?: Integrations;
  originalTimestamp?: unknown;
}

// Fields of a batch call; the gateway reads only `batch`, and a send time is the SDK's own.
const BATCH_FIELDS = new Set(['type', 'batch', 'context', 'integrations', 'originalTimestamp', 'sentAt']);

/**
 * What a batch carries besides its items that goes nowhere or cannot apply as given: a field the gateway
 * ignores, a `context` that is not an object, an `originalTimestamp` the SDK does not understand. The SDK
 * warns about each (strict mode refuses the batch); the CLI reports the same for a batch line.
 */
export function batchFieldWarnings(batch: Record<string, unknown>): CallWarning[] {
  const warnings: CallWarning[] = [];
  for (const key in batch) {
    if (batch[key] === undefined || BATCH_FIELDS.has(key)) continue;
    warnings.push({ field: key, rule: 'is not a field of a batch call; ignored (the gateway reads only the items)' });
  }
  const { context, originalTimestamp } = batch;
  if (context !== undefined && !isPlainObject(context)) warnings.push({ field: 'context', rule: 'is not an object; ignored' });
  if (originalTimestamp !== undefined && wireTimestamp(originalTimestamp) === undefined) {
    warnings.push({
      field: 'originalTimestamp',
      rule: 'is not a Date, an ISO 8601 string or epoch milliseconds; delivered as given on items without their own',
    });
  }
  return warnings;
}

/** The defaults a batch object carries; a `context` that is not an object has nothing to merge. */
export function batchDefaultsOf(batch: Record<string, unknown>): BatchDefaults | undefined {
  const { context, integrations, originalTimestamp } = batch;
  if (!isPlainObject(context) && integrations === undefined && originalTimestamp === undefined) return undefined;
  const defaults: BatchDefaults = {};
  if (isPlainObject(context)) defaults.context = context;
  if (integrations !== undefined) defaults.integrations = integrations as Integrations;
  if (originalTimestamp !== undefined) defaults.originalTimestamp = originalTimestamp;
  return defaults;
}

/**
 * One item with the batch's defaults applied: the item itself when none apply, else a shallow copy
 * (the caller's objects are never changed). Fields the item lacks are added after its own.
 */
export function withBatchDefaults(item: Record<string, unknown>, defaults: BatchDefaults | undefined): Record<string, unknown> {
  if (!defaults) return item;
  const out: Record<string, unknown> = { ...item };
  if (defaults.context)
    out.context =
      item.context === undefined ? defaults.context : isPlainObject(item.context) ? mergeUnder(defaults.context, item.context) : item.context;
  if (defaults.integrations !== undefined && item.integrations === undefined) out.integrations = defaults.integrations;
  if (defaults.originalTimestamp !== undefined && item.originalTimestamp === undefined) out.originalTimestamp = defaults.originalTimestamp;
  return out;
}

/** `over` merged onto `under`, recursively for nested plain objects; `over` wins. */
export function mergeUnder(under: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...under };
  for (const key in over) {
    // Own fields only: `merged.__proto__` would otherwise read Object.prototype.
    const a = Object.hasOwn(merged, key) ? merged[key] : undefined;
    const b = over[key];
    put(merged, key, isPlainObject(a) && isPlainObject(b) ? mergeUnder(a, b) : b);
  }
  return merged;
}
