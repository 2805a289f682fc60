/**
 * Breaking changes between two versions of a plan: what the new one refuses that the old one
 * accepted. A removed event, a newly required property, a narrowed type, a removed enum value, a new
 * enum, properties closed (`additionalProperties: false`) or a property removed from a closed object.
 */
import type { JsonObject, TrackingPlan } from './types.js';

/** The kinds of breaking change {@link diffPlans} reports. */
export type BreakingKind =
  'removed-event' | 'newly-required' | 'narrowed-type' | 'removed-enum-value' | 'added-enum' | 'closed-properties' | 'removed-property';

/** One breaking change, at a JSON Pointer into the event's message. */
export interface BreakingChange {
  /** What kind of breaking change. */
  kind: BreakingKind;
  /** The event type of the changed event. */
  eventType: string;
  /** The name of the changed event. */
  name: string;
  /** JSON Pointer into the event's message. */
  path: string;
  /** The change, in words. */
  detail: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function typesOf(s: JsonObject): Set<string> | undefined {
  if (s.type === undefined) return undefined;
  return new Set(Array.isArray(s.type) ? s.type.map(String) : [String(s.type)]);
}

function accepts(types: Set<string>, t: string): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

function compare(a: JsonObject, b: JsonObject, path: string, push: (kind: BreakingKind, path: string, detail: string) => void): void {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (tb) {
    const lost = ta ? [...ta].filter((t) => !accepts(tb, t)) : ['any'];
    if (lost.length) push('narrowed-type', path, `no longer accepts ${lost.join(', ')} (now ${[...tb].join(', ')})`);
  }
  if (Array.isArray(b.enum)) {
    if (!Array.isArray(a.enum)) push('added-enum', path, `now restricted to ${JSON.stringify(b.enum)}`);
    else {
      const kept = new Set(b.enum.map((v) => JSON.stringify(v)));
      for (const v of a.enum) if (!kept.has(JSON.stringify(v))) push('removed-enum-value', path, `${JSON.stringify(v)} no longer allowed`);
    }
  }
  const reqA = new Set(Array.isArray(a.required) ? a.required.map(String) : []);
  for (const r of Array.isArray(b.required) ? b.required.map(String) : []) {
    if (!reqA.has(r)) push('newly-required', `${path}/${r}`, `'${r}' is now required`);
  }
  if (b.additionalProperties === false && a.additionalProperties !== false) push('closed-properties', path, 'unplanned properties are now refused');
  const pa = isObject(a.properties) ? a.properties : {};
  const pb = isObject(b.properties) ? b.properties : {};
  for (const [k, sa] of Object.entries(pa)) {
    const sb = pb[k];
    if (isObject(sa) && isObject(sb)) compare(sa, sb, `${path}/${k}`, push);
    else if (sb === undefined && b.additionalProperties === false && a.additionalProperties === false)
      push('removed-property', `${path}/${k}`, `'${k}' was removed from a closed object`);
  }
  if (isObject(a.items) && isObject(b.items)) compare(a.items, b.items, `${path}/items`, push);
}

/** Every breaking change from `older` to `newer`, event by event, in the older plan's order. */
export function diffPlans(older: TrackingPlan, newer: TrackingPlan): BreakingChange[] {
  const out: BreakingChange[] = [];
  for (const e of older.events) {
    const push = (kind: BreakingKind, path: string, detail: string) => out.push({ kind, eventType: e.eventType, name: e.name, path, detail });
    const next = newer.events.find((n) => n.eventType === e.eventType && n.name === e.name);
    if (!next) {
      push('removed-event', '', 'no longer planned');
      continue;
    }
    if (isObject(e.schema) && isObject(next.schema)) compare(e.schema, next.schema, '', push);
    else if (isObject(next.schema) && !isObject(e.schema)) compare({}, next.schema, '', push);
  }
  return out;
}
