/**
 * Enrichment: turns a validated call into the event the data plane receives. The caller's fields go on
 * the wire as given, in the caller's order; the SDK adds only what is absent (`messageId`,
 * `context.library`, `integrations`, `originalTimestamp`, `channel`, in that order, after the caller's).
 * `sentAt` is the SDK's own: a caller's is dropped here and the send time spliced in at send time.
 * Pure: the clock and the id generator are passed in.
 */
import { isPresentId } from './ids.js';
import { put } from './own.js';
import { wireTimestamp } from './time.js';
import { isPlainObject } from './validate.js';
import { LIBRARY } from './version.js';
import type { EventType, Integrations } from './types.js';

const ALL: Integrations = Object.freeze({ All: true });

export interface EnrichEnv {
  /** The current time, ISO 8601 with ms. */
  now: () => string;
  uuid: () => string;
}

/**
 * `type` is the call's type when fixed (a typed call): it goes first unless the caller's own `type` says
 * the same, which keeps its place. Undefined keeps whatever `type` the caller gave.
 */
export function enrich(call: Record<string, unknown>, type: EventType | undefined, env: EnrichEnv): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  if (type !== undefined && call.type !== type) event.type = type;
  for (const key in call) {
    const value = call[key];
    if (value === undefined) continue;
    switch (key) {
      case 'type':
        if (event.type === undefined) event.type = value;
        break;
      case 'sentAt':
        break;
      case 'context':
        event.context = isPlainObject(value) && value.library === undefined ? { ...value, library: LIBRARY } : value;
        break;
      case 'originalTimestamp':
      case 'timestamp':
        event[key] = wireTimestamp(value) ?? value;
        break;
      case 'messageId':
        // The gateway replaces a messageId that is not a non-blank string; doing it here keeps the id we report.
        event.messageId = typeof value === 'string' && isPresentId(value) ? value : env.uuid();
        break;
      default:
        put(event, key, value);
    }
  }
  if (event.messageId === undefined) event.messageId = env.uuid();
  if (event.context === undefined) event.context = { library: LIBRARY };
  if (event.integrations === undefined) event.integrations = ALL;
  if (event.originalTimestamp === undefined) event.originalTimestamp = env.now();
  if (event.channel === undefined) event.channel = 'server';
  return event;
}
