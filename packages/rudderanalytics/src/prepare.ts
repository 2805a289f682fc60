/**
 * The front of the pipeline, pure: validate → enrich → serialize once → check the size.
 * What comes out is ready to queue; what cannot be sent is refused here, at the call.
 */
import { encodeEvent, wireBytes } from './encode.js';
import { enrich, type BatchDefaults, type EnrichEnv } from './enrich.js';
import { ValidationError } from './errors.js';
import { isFiltered, runPlugins, type Filtered, type OutgoingEvent, type Plugin, type PluginReports } from './middleware.js';
import { findUnserializable } from './serializable.js';
import { toIsoTimestamp } from './time.js';
import { EVENT_TYPES, isPlainObject, validateCall } from './validate.js';
import type { QueuedEvent } from './queue.js';
import type { EventType } from './types.js';

export interface PrepareEnv extends EnrichEnv {
  maxMessageBytes: number;
  /** The `plugins` option: run between enrichment and serialization. */
  plugins?: { list: readonly Plugin[]; reports: PluginReports };
}

/**
 * One call of a known type, ready to queue, or what a plugin dropped. `at` and `index` locate a
 * batch item in errors.
 */
export function prepareCall(
  call: unknown,
  type: EventType,
  env: PrepareEnv,
  defaults?: BatchDefaults,
  at = '',
  index?: number,
): QueuedEvent | Filtered {
  validateCall(call, type, at, index);
  const enriched = enrich(call as Record<string, unknown>, type, env, defaults);
  const event = env.plugins ? runPlugins(env.plugins.list, enriched as OutgoingEvent, env.plugins.reports) : enriched;
  if (isFiltered(event)) return event;
  let encoded;
  try {
    encoded = encodeEvent(event);
  } catch (error) {
    // Validation walked every value; this is a last guard (a getter that changes its answer, say).
    throw new ValidationError(at ? at.slice(0, -1) : 'message', `could not be serialized: ${error instanceof Error ? error.message : String(error)}`, index);
  }
  const size = wireBytes(encoded);
  if (size > env.maxMessageBytes) {
    throw new ValidationError(at ? at.slice(0, -1) : 'message', `is ${size} bytes serialized, over maxMessageBytes (${env.maxMessageBytes})`, index);
  }
  return encoded;
}

/** `send()`'s argument: one tagged call, or a batch whose items are all checked before any is queued. */
export function prepareSendable(message: unknown, env: PrepareEnv): Array<QueuedEvent | Filtered> {
  if (!isPlainObject(message)) throw new ValidationError('message', 'must be a plain object with a type');
  const type = message.type;
  if (type === 'batch') return prepareBatch(message, env);
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('type', `must be one of ${EVENT_TYPES.join(', ')} or batch`);
  }
  return [prepareCall(message, type as EventType, env)];
}

const BATCH_FIELDS = new Set(['type', 'batch', 'context', 'integrations', 'originalTimestamp']);

function prepareBatch(message: Record<string, unknown>, env: PrepareEnv): Array<QueuedEvent | Filtered> {
  for (const key in message) {
    if (!BATCH_FIELDS.has(key) && message[key] !== undefined) throw new ValidationError(key, 'is not a field of a batch call');
  }
  const { batch, context, integrations, originalTimestamp } = message;
  if (!Array.isArray(batch) || batch.length === 0) throw new ValidationError('batch', 'must be a non-empty array of calls');
  for (const [field, value] of [['context', context], ['integrations', integrations]] as const) {
    if (value === undefined) continue;
    if (!isPlainObject(value)) throw new ValidationError(field, 'must be a plain object');
    const bad = findUnserializable(value, field);
    if (bad) throw new ValidationError(bad.path, bad.rule);
  }
  if (isPlainObject(context) && context.library !== undefined) {
    throw new ValidationError('context.library', 'is set by the SDK and must not be given');
  }
  if (originalTimestamp !== undefined && toIsoTimestamp(originalTimestamp) === undefined) {
    throw new ValidationError('originalTimestamp', 'must be a valid Date or an ISO 8601 date string');
  }
  const defaults = { context, integrations, originalTimestamp } as BatchDefaults;
  return batch.map((item: unknown, index) => {
    const at = `batch[${index}].`;
    const itemType = isPlainObject(item) ? item.type : undefined;
    if (typeof itemType !== 'string' || !(EVENT_TYPES as readonly string[]).includes(itemType)) {
      throw new ValidationError(`${at}type`, `must be one of ${EVENT_TYPES.join(', ')}`, index);
    }
    return prepareCall(item, itemType as EventType, env, defaults, at, index);
  });
}
