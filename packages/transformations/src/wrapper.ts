import { BATCH_ITEM_NOT_OBJECT, BATCH_NOT_ARRAY, EVENT_ITEM_NOT_OBJECT, EVENT_NOT_OBJECT, METADATA_FIELDS } from './hosted.js';

/** metadata(event)'s answer, the METADATA_FIELDS of the event's metadata, as one object literal (fields in order, undefined kept). */
const METADATA_VIEW = `{ ${METADATA_FIELDS.map((f) => `${JSON.stringify(f)}: known[${JSON.stringify(f)}]`).join(', ')} }`;

/** The exported entry the sandbox calls; a name no transformation would declare. */
export const ENTRY = '__rudderstackLocalRun';
/** The global through which the sandbox process fires an armed call (see sandbox-bootstrap.ts). */
export const CALL_GLOBAL = `${ENTRY}:call`;

/**
 * Source appended to the user's module: a stub through which the call reaches the user's function, so
 * the user's functions are called from inside their own module, by their module bindings, as the hosted
 * wrapper (appended to the user's code) calls them, and a syntax error reads as it does hosted. It starts
 * on a new line and adds no lines before the user's code, so user line numbers are untouched.
 * The wrapper's per-event work is in RUN_SOURCE, which the sandbox compiles once per context (see
 * sandbox-bootstrap.ts): compiled into each call's fresh module instance it would run cold every call.
 */
export const WRAPPER_SOURCE = `
export function ${ENTRY}(kind, value, metadataOf) {
  return kind === 'transformBatch' ? transformBatch(value, metadataOf) : transformEvent(value, metadataOf);
}
`;

/**
 * A function expression, for the sandbox's context, that runs one call the way the hosted wrapper does
 * (rudderlabs/rudder-transformer @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8, src/util/ivmFactory.js
 * `transformWrapper`), calling the user's function through the module's `entry` (WRAPPER_SOURCE):
 * - metadata(event) looks the event up by its messageId and exposes METADATA_FIELDS only;
 * - transformEvent is called for every event, in order, before any result is read; plain results are
 *   read in event order (no promise each), and when any result is a promise each is awaited and
 *   recorded as it settles;
 *   null/undefined drops the event, an array yields one output per element unless one element is not
 *   a plain object (then that event fails and none of its outputs are kept), an object yields one
 *   output, anything else fails the event; outputs carry the source event's full metadata;
 * - transformBatch must return an array of plain objects; each output carries metadata(output); a
 *   throw yields a single error with empty metadata;
 * - a thrown error is reported by its stack cut after the last frame naming the function
 *   (the `extractStackTrace` global), so a thrown non-Error fails the whole call as hosted.
 * Built-ins and the global `extractStackTrace` are looked up when used, as in the hosted wrapper.
 * It takes the call's `{ message, metadata }` entries (values of the context's realm) and returns the
 * handler-level list with, in place of each entry's metadata, `source`: the index of the event whose
 * metadata it is (`metadata(output)` for transformBatch, the event's own for transformEvent), -1 for
 * none; the runner attaches its own copy (`attachMetadata`), so metadata crosses the boundary once.
 */
export const RUN_SOURCE = `async function runCall(entry, payload, kind) {
  const byMessageId = {};
  const sourceOf = {};
  for (let i = 0; i < payload.length; i += 1) {
    byMessageId[payload[i].message.messageId] = payload[i].metadata;
    sourceOf[payload[i].message.messageId] = i;
  }
  // Where a result's metadata comes from: the index of the event whose metadata it is, -1 for none ({}).
  const source = (event) => {
    if (!event) return -1;
    const id = event.messageId;
    return byMessageId[id] ? sourceOf[id] : -1;
  };
  const messages = payload.map((item) => item.message);
  const isPlainObject = (value) => Object.prototype.toString.call(value) === '[object Object]';
  const metadataOf = (event) => {
    const known = (event ? byMessageId[event.messageId] : undefined) || {};
    return ${METADATA_VIEW};
  };
  const out = [];
  if (kind === 'transformBatch') {
    let produced;
    try {
      produced = await entry(kind, messages, metadataOf);
    } catch (caught) {
      out.push({ error: extractStackTrace(caught.stack, [kind]), source: -1 });
      return out;
    }
    if (!Array.isArray(produced)) {
      out.push({ error: ${JSON.stringify(BATCH_NOT_ARRAY)}, source: -1 });
      return out;
    }
    for (const item of produced) {
      out.push(isPlainObject(item)
        ? { transformedEvent: item, source: source(item) }
        : { error: ${JSON.stringify(BATCH_ITEM_NOT_OBJECT)}, source: -1 });
    }
    return out;
  }
  // transformEvent: every call is made, in order, before any result is read (as the hosted map of async
  // functions does); each event's metadata source is taken before its call (the call may change its
  // messageId). Plain results settle in the hosted wrapper's first microtask turn, in event order: they
  // are read so here, with no promise each; when any result is a thenable, each is awaited as hosted.
  const record = (produced, own) => {
    if (produced === null || produced === undefined) return;
    if (Array.isArray(produced)) {
      const kept = [];
      for (const item of produced) {
        if (!isPlainObject(item)) {
          out.push({ error: ${JSON.stringify(EVENT_ITEM_NOT_OBJECT)}, source: own });
          return;
        }
        kept.push({ transformedEvent: item, source: own });
      }
      out.push(...kept);
      return;
    }
    if (!isPlainObject(produced)) {
      out.push({ error: ${JSON.stringify(EVENT_NOT_OBJECT)}, source: own });
      return;
    }
    out.push({ transformedEvent: produced, source: own });
  };
  const THREW = {};
  let failure = THREW;
  // A catch that itself throws (a thrown non-Error has no stack to trim) rejects the whole call, as the
  // hosted Promise.all does, after the remaining calls were made.
  const fail = (caught, own) => {
    try {
      out.push({ error: extractStackTrace(caught.stack, [kind]), source: own });
    } catch (cause) {
      if (failure === THREW) failure = cause;
    }
  };
  const produced = new Array(messages.length);
  const owns = new Array(messages.length);
  let anyThenable = false;
  for (let i = 0; i < messages.length; i += 1) {
    owns[i] = source(messages[i]);
    try {
      const value = entry(kind, messages[i], metadataOf);
      produced[i] = value;
      if (!anyThenable && value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function') {
        anyThenable = true;
      }
    } catch (caught) {
      produced[i] = THREW;
      fail(caught, owns[i]);
    }
  }
  if (failure !== THREW) throw failure;
  if (!anyThenable) {
    for (let i = 0; i < messages.length; i += 1) {
      if (produced[i] === THREW) continue;
      try {
        record(produced[i], owns[i]);
      } catch (caught) {
        fail(caught, owns[i]);
      }
    }
    if (failure !== THREW) throw failure;
    return out;
  }
  await Promise.all(produced.map(async (value, i) => {
    if (value === THREW) return;
    try {
      record(await value, owns[i]);
    } catch (caught) {
      out.push({ error: extractStackTrace(caught.stack, [kind]), source: owns[i] });
    }
  }));
  return out;
}`;
