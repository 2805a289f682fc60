/**
 * Enrichment: turns a validated call into the event the data plane receives, with the fields a
 * server-side SDK owes every event. Pure: the clock and the id generator are passed in.
 * Key order is fixed (and pinned by the wire-snapshot test); `sentAt` is added at send time.
 */
import { isPlainObject } from './validate.js';
import { toIsoTimestamp } from './time.js';
import { LIBRARY } from './version.js';
import type { EventType, Integrations, JsonObject } from './types.js';

const ALL: Integrations = Object.freeze({ All: true });

/** What the batch call passes down to its items. */
export interface BatchDefaults {
  context?: JsonObject;
  integrations?: Integrations;
  originalTimestamp?: Date | string;
}

export interface EnrichEnv {
  /** The current time, ISO 8601 with ms. */
  now: () => string;
  uuid: () => string;
}

export function enrich(call: Record<string, unknown>, type: EventType, env: EnrichEnv, defaults?: BatchDefaults): Record<string, unknown> {
  const event: Record<string, unknown> = { type };
  switch (type) {
    case 'track':
      event.event = call.event;
      break;
    case 'page':
    case 'screen':
      event.name = call.name;
      if (call.category !== undefined) event.category = call.category;
      break;
    case 'group':
      event.groupId = call.groupId;
      break;
    case 'alias':
      event.previousId = call.previousId;
      break;
  }
  if (call.userId !== undefined && call.userId !== null) event.userId = call.userId;
  if (call.anonymousId !== undefined && call.anonymousId !== null) event.anonymousId = call.anonymousId;
  if (call.traits !== undefined) event.traits = call.traits;
  if (call.properties !== undefined) event.properties = call.properties;

  const context = defaults?.context ? mergeUnder(defaults.context, call.context as JsonObject | undefined) : call.context;
  event.context = context ? { ...(context as JsonObject), library: LIBRARY } : { library: LIBRARY };
  event.integrations = call.integrations ?? defaults?.integrations ?? ALL;
  event.messageId = call.messageId ?? env.uuid();
  event.originalTimestamp =
    toIsoTimestamp(call.originalTimestamp ?? defaults?.originalTimestamp) ?? env.now();
  if (call.timestamp !== undefined) event.timestamp = toIsoTimestamp(call.timestamp);
  event.channel = 'server';
  return event;
}

/** `over` merged onto `under`, recursively for nested plain objects; `over` wins. */
function mergeUnder(under: JsonObject, over: JsonObject | undefined): JsonObject {
  if (!over) return under;
  const merged: JsonObject = { ...under };
  for (const key in over) {
    const a = merged[key];
    const b = over[key];
    merged[key] = isPlainObject(a) && isPlainObject(b) ? mergeUnder(a, b) : b;
  }
  return merged;
}
