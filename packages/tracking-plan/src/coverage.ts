/** How a stream of observed messages covers a plan: planned events never seen, unplanned ones seen, violations by rule. */
import type { PlanValidator } from './plan-validator.js';
import { isSupportedEventType } from './settings.js';
import type { JsonObject, TrackingPlan } from './types.js';

/** An event key with how often it was seen. */
export interface SeenEvent {
  /** The event type. */
  eventType: string;
  /** The event name (`""` for non-track events). */
  name: string;
  /** How many messages had this key. */
  count: number;
}

/** One rule (violation type at a schema path) and how many messages broke it. */
export interface RuleCount {
  /** The violation type. */
  type: string;
  /** The event type of the messages. */
  eventType: string;
  /** The event name of the messages. */
  name: string;
  /** The JSON Schema path of the rule. */
  schemaPath: string;
  /** How many messages broke the rule. */
  count: number;
}

/** What {@link coverage} reports. */
export interface Coverage {
  /** How many messages were observed. */
  messages: number;
  /** Planned event keys no observed message had. */
  plannedNeverSeen: Array<{
    /** The planned event's type (`track`, `identify`, …). */
    eventType: string;
    /** The planned event's name (the track event's name; the type for the others). */
    name: string;
  }>;
  /** Keys seen that the plan has no schema for (alias is never planned, so it is left out). */
  unplannedSeen: SeenEvent[];
  /** Violations counted by rule. */
  violationsByRule: RuleCount[];
}

/** The lookup name of a message: the track event's name, `""` for the other types (as the hosted lookup). */
export function lookupName(message: JsonObject): string {
  return message.type === 'track' ? String(message.event ?? '') : '';
}

const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;

/** Checks each message against the plan with `validator` and tallies coverage. */
export function coverage(plan: TrackingPlan, messages: Iterable<JsonObject>, validator: PlanValidator): Coverage {
  const planned = new Map<string, { eventType: string; name: string }>();
  for (const e of plan.events) {
    if (e.schema && Object.keys(e.schema).length > 0) planned.set(JSON.stringify([e.eventType, e.name]), { eventType: e.eventType, name: e.name });
  }
  const seen = new Map<string, SeenEvent>();
  const rules = new Map<string, RuleCount>();
  let count = 0;
  for (const message of messages) {
    count++;
    const eventType = String(message.type);
    if (!isSupportedEventType(eventType)) continue;
    const name = lookupName(message);
    const key = JSON.stringify([eventType, name]);
    const s = seen.get(key) ?? { eventType, name, count: 0 };
    s.count++;
    seen.set(key, s);
    for (const v of validator.check(message).violationErrors) {
      const schemaPath = v.meta.schemaPath ?? '';
      const ruleKey = JSON.stringify([v.type, eventType, name, schemaPath]);
      const r = rules.get(ruleKey) ?? { type: v.type, eventType, name, schemaPath, count: 0 };
      r.count++;
      rules.set(ruleKey, r);
    }
  }
  return {
    messages: count,
    plannedNeverSeen: [...planned].filter(([k]) => !seen.has(k)).map(([, v]) => v),
    unplannedSeen: [...seen]
      .filter(([k]) => !planned.has(k))
      .map(([, v]) => v)
      .sort(byCount),
    violationsByRule: [...rules.values()].sort(byCount),
  };
}
