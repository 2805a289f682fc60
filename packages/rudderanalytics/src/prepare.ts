/**
 * The front of the pipeline, pure: validate → enrich → serialize once → check the size.
 * What comes out is ready to queue; what cannot be sent is refused here, at the call.
 */
import { batchDefaultsOf, batchFieldWarnings, withBatchDefaults } from './batch.js';
import { encodeEvent, wireBytes, type QueuedEvent } from './encode.js';
import { enrich, type EnrichEnv } from './enrich.js';
import { ValidationError } from './errors.js';
import { isFiltered, runPlugins, type Filtered, type OutgoingEvent, type Plugin, type PluginReports } from './middleware.js';
import { findUnserializable } from './serializable.js';
import { EVENT_TYPES, isPlainObject, strictRefusal, validateCall, type ValidateEnv } from './validate.js';
import type { EventType } from './types.js';

export interface PrepareEnv extends EnrichEnv, ValidateEnv {
  maxMessageBytes: number;
  /** The `plugins` option: run between enrichment and serialization. */
  plugins?: { list: readonly Plugin[]; reports: PluginReports };
}

/**
 * One call, ready to queue, or what a plugin dropped. `type` is fixed for a typed call; undefined
 * reads it from the call (send()). `at` and `index` locate a batch item in errors.
 */
export function prepareCall(call: unknown, type: EventType | undefined, env: PrepareEnv, at = '', index?: number): QueuedEvent | Filtered {
  validateCall(call, type, env, at, index);
  const enriched = enrich(call as Record<string, unknown>, type, env);
  const event = env.plugins ? runPlugins(env.plugins.list, enriched as OutgoingEvent, env.plugins.reports) : enriched;
  if (isFiltered(event)) return event;
  let encoded;
  try {
    encoded = encodeEvent(event);
  } catch (error) {
    // Validation walked every value; this is a last guard (a getter that changes its answer, say).
    throw new ValidationError(
      at ? at.slice(0, -1) : 'message',
      `could not be serialized: ${error instanceof Error ? error.message : String(error)}`,
      index,
    );
  }
  const size = wireBytes(encoded);
  if (size > env.maxMessageBytes) {
    throw new ValidationError(at ? at.slice(0, -1) : 'message', `is ${size} bytes serialized, over maxMessageBytes (${env.maxMessageBytes})`, index);
  }
  return encoded;
}

/** `send()`'s argument: one tagged call, or a batch whose items are all checked before any is queued. */
export function prepareSendable(message: unknown, env: PrepareEnv): Array<QueuedEvent | Filtered> {
  if (!isPlainObject(message)) throw new ValidationError('message', 'must be a plain object');
  if (message.type === 'batch') return prepareBatch(message, env);
  return [prepareItem(message, env)];
}

/** A call whose type is its own `type` field: one of the six is checked as such; any other is sent as given. */
function prepareItem(call: Record<string, unknown>, env: PrepareEnv, at = '', index?: number): QueuedEvent | Filtered {
  const type = call.type;
  if (typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type)) return prepareCall(call, type as EventType, env, at, index);
  if (!env.strict) {
    const warning = {
      field: `${at}type`,
      rule: `is not one of ${EVENT_TYPES.join(', ')}; delivered as given (the gateway does not check it on a batch)`,
    };
    env.warn(index === undefined ? warning : { ...warning, index });
  }
  // Validated without a type: the gateway's rules only (strict refuses it there, naming the type).
  return prepareCall(call, undefined, env, at, index);
}

function prepareBatch(message: Record<string, unknown>, env: PrepareEnv): Array<QueuedEvent | Filtered> {
  const { batch } = message;
  if (!Array.isArray(batch) || batch.length === 0) throw new ValidationError('batch', 'must be a non-empty array of calls');
  for (const key in message) {
    const value = message[key];
    if (value === undefined || key === 'batch') continue;
    const bad = findUnserializable(value, key);
    if (bad) throw new ValidationError(bad.path, bad.rule);
  }
  for (const warning of batchFieldWarnings(message)) {
    if (env.strict) throw strictRefusal(warning);
    env.warn(warning);
  }
  const defaults = batchDefaultsOf(message);
  return batch.map((item: unknown, index) => {
    const at = `batch[${index}].`;
    if (!isPlainObject(item))
      throw new ValidationError(`batch[${index}]`, 'must be a plain object (the gateway refuses the whole batch otherwise)', index);
    return prepareItem(withBatchDefaults(item, defaults), env, at, index);
  });
}
