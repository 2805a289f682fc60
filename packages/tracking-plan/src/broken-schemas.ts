/**
 * The schemas of a plan that do not compile. The hosted data plane lets such events through
 * unchecked, so they pass without a word; offline tools name them up front instead.
 */
import { checkKey } from './check-key.js';
import { DEFAULT_CONFIG, isSupportedEventType } from './settings.js';
import type { TrackingPlan, TrackingPlanConfig } from './types.js';
import { compileSchema } from './validator.js';

/** A planned event whose schema does not compile. */
export interface BrokenSchema {
  /** The event type (`track`, `identify`, …). */
  eventType: string;
  /** The track event's name; `""` for the other types. */
  name: string;
  /** Why ajv refused the schema. */
  error: string;
}

/** `track 'Order Completed'`, or the event type alone for the others. */
export function eventLabel(e: { eventType: string; name: string }): string {
  return e.eventType === 'track' ? `track '${e.name}'` : e.eventType;
}

/**
 * Every planned event whose schema does not compile with the config's ajv options, once per lookup
 * key (the first event per key, the only one ever checked), in plan order.
 */
export function brokenSchemas(plan: TrackingPlan, config: TrackingPlanConfig = DEFAULT_CONFIG): BrokenSchema[] {
  const out: BrokenSchema[] = [];
  const seen = new Set<string>();
  for (const event of plan.events) {
    const key = checkKey(event.eventType, event.name);
    if (seen.has(key) || !isSupportedEventType(event.eventType)) continue;
    seen.add(key);
    const compiled = compileSchema(event, config);
    if (compiled instanceof Error) out.push({ eventType: event.eventType, name: event.name, error: compiled.message });
  }
  return out;
}
