/**
 * The batch rule, one implementation for the SDK's `send({ type: 'batch' })` and the CLI's batch
 * documents: batch-level `context` is merged under each item's, recursively (the item wins);
 * batch-level `integrations` and `originalTimestamp` apply to items without their own.
 */
import { isPlainObject } from './validate.js';
import type { Integrations, JsonObject } from './types.js';

/** What a batch passes down to its items. */
export interface BatchDefaults {
  context?: JsonObject;
  integrations?: Integrations;
  originalTimestamp?: unknown;
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
    const a = merged[key];
    const b = over[key];
    merged[key] = isPlainObject(a) && isPlainObject(b) ? mergeUnder(a, b) : b;
  }
  return merged;
}
