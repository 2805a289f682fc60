/**
 * Loads a tracking plan from any layout users have and normalises it to a {@link TrackingPlan}.
 *
 * - RudderStack current (`events[]`, each with `eventType`, `name`, `rules`): rudder-transformer
 *   src/util/trackingPlan.js `getEventSchema`, first branch.
 * - RudderStack legacy (`rules.events[]` for track, `rules.<type>` for the others): same function,
 *   second branch. RudderTyper's `plan.json` and Segment's Config API v1 export share this shape
 *   (`name: "workspaces/<ws>/tracking-plans/<id>"`, `display_name`, `rules`), possibly wrapped in
 *   `{ trackingPlans: [plan] }` or `{ tracking_plan: plan }`.
 * - Segment Public API (`rules: [{ type: "TRACK", key, jsonSchema, version }]`, possibly inside
 *   `{ data: ... }` and beside `trackingPlan: {...}`); Typewriter's `plan.json` has the same shape with
 *   each rule's schema unwrapped to the event's properties (see segment-schemas.ts).
 * Segment schemas are read as Segment's tools read them: their annotation keywords are removed.
 */
import { isUnwrapped, withoutAnnotations, wrapProperties } from './segment-schemas.js';
import type { JsonObject, PlanLayout, PlannedEvent, TrackingPlan } from './types.js';

/** Thrown when a document is no tracking plan in any known layout; the message says what was expected. */
export class PlanFormatError extends Error {
  /** Always `PlanFormatError`. */
  override name = 'PlanFormatError';
}

const NON_TRACK_TYPES = ['identify', 'page', 'screen', 'group'];

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `workspaces/<ws>/tracking-plans/<id>` → `<id>`; any other string is the id itself. */
function idFromName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  const m = /tracking-plans\/([^/]+)$/.exec(name);
  return m ? m[1] : undefined;
}

function versionOf(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : 1;
}

function schemaOf(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

function unwrap(doc: unknown): unknown {
  if (!isObject(doc)) return doc;
  if (Array.isArray(doc.trackingPlans) && doc.trackingPlans.length > 0) return doc.trackingPlans[0];
  if (isObject(doc.tracking_plan)) return doc.tracking_plan;
  if (isObject(doc.data) && (Array.isArray(doc.data.rules) || isObject(doc.data.trackingPlan))) return doc.data;
  return doc;
}

function fromCurrent(doc: JsonObject): TrackingPlan {
  if (!Array.isArray(doc.events)) throw new PlanFormatError('plan: "events" must be an array');
  const events: PlannedEvent[] = doc.events.filter(isObject).map((e) => ({
    eventType: e.eventType as string,
    name: e.name as string,
    schema: schemaOf(e.rules),
    ...(typeof e.id === 'string' ? { id: e.id } : {}),
    ...(typeof e.description === 'string' ? { description: e.description } : {}),
  }));
  return {
    id: String(doc.id ?? idFromName(doc.name) ?? 'local'),
    version: versionOf(doc.version),
    ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
    layout: 'rudderstack-events',
    events,
  };
}

function layoutOfLegacy(doc: JsonObject, wrapped: boolean): PlanLayout {
  if (wrapped) return 'ruddertyper';
  if (typeof doc.display_name === 'string') return 'segment-config-api-v1';
  return 'rudderstack-rules';
}

function fromLegacy(doc: JsonObject, layout: PlanLayout): TrackingPlan {
  const rules = doc.rules as JsonObject;
  const events: PlannedEvent[] = [];
  const segment = layout === 'segment-config-api-v1';
  if (Array.isArray(rules.events)) {
    for (const e of rules.events.filter(isObject)) {
      const schema = schemaOf(e.rules);
      events.push({
        // RudderStack's v2 API (what RudderTyper 2 pulls) lists every event type here, each with its eventType.
        eventType: typeof e.eventType === 'string' ? e.eventType : 'track',
        name: e.name as string,
        schema: segment && schema ? withoutAnnotations(schema) : schema,
        ...(typeof e.id === 'string' ? { id: e.id } : {}),
        ...(typeof e.description === 'string' ? { description: e.description } : {}),
      });
    }
  }
  for (const type of NON_TRACK_TYPES) {
    if (!Object.prototype.hasOwnProperty.call(rules, type)) continue;
    const schema = schemaOf(rules[type]);
    events.push({ eventType: type, name: '', schema: segment && schema ? withoutAnnotations(schema) : schema });
  }
  const name = typeof doc.display_name === 'string' ? doc.display_name : typeof doc.name === 'string' ? doc.name : undefined;
  return {
    id: String(doc.id ?? idFromName(doc.name) ?? 'local'),
    version: versionOf(doc.version),
    ...(name !== undefined ? { name } : {}),
    layout,
    events,
    ...(isObject(rules.global) ? { unenforced: [rules.global] } : {}),
  };
}

function fromSegmentPublic(doc: JsonObject): TrackingPlan {
  const rules = (doc.rules as unknown[]).filter(isObject);
  const meta = isObject(doc.trackingPlan) ? doc.trackingPlan : doc;
  // Several versions of one rule may be listed; the highest version is the live one.
  const latest = new Map<string, JsonObject>();
  const unenforced: JsonObject[] = [];
  for (const rule of rules) {
    const type = String(rule.type ?? '').toLowerCase();
    const schema = rule.jsonSchema ?? rule.json_schema;
    if (type === 'common') {
      if (isObject(schema)) unenforced.push(schema);
      continue;
    }
    const name = type === 'track' ? String(rule.key ?? '') : '';
    const key = `${type}\u0000${name}`;
    const seen = latest.get(key);
    if (!seen || versionOf(rule.version) > versionOf(seen.version)) latest.set(key, { ...rule, type, name, schema });
  }
  let unwrapped = false;
  const events: PlannedEvent[] = [...latest.values()].map((r) => {
    const schema = schemaOf(r.schema);
    if (isUnwrapped(schema)) unwrapped = true;
    const description = schema && typeof schema.description === 'string' ? schema.description : undefined;
    return {
      eventType: r.type as string,
      name: r.name as string,
      schema: schema && (isUnwrapped(schema) ? wrapProperties(schema, r.type as string) : withoutAnnotations(schema)),
      ...(description !== undefined ? { description } : {}),
    };
  });
  return {
    id: String(meta.id ?? 'local'),
    version: versionOf(meta.version),
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    layout: unwrapped ? 'typewriter' : 'segment-public-api',
    events,
    ...(unenforced.length ? { unenforced } : {}),
  };
}

/**
 * Normalises a parsed plan document. The layout is recognised from its shape; pass `id` or `version`
 * to override what the document says (the hosted plan's id and version annotate events).
 */
export function loadPlan(document: unknown, override: { id?: string; version?: number } = {}): TrackingPlan {
  const doc = unwrap(document);
  if (!isObject(doc)) throw new PlanFormatError('plan: expected a JSON object');
  let plan: TrackingPlan;
  // Same test as the transformer: an own "events" key means the current layout.
  if (Object.prototype.hasOwnProperty.call(doc, 'events')) plan = fromCurrent(doc);
  else if (Array.isArray(doc.rules)) plan = fromSegmentPublic(doc);
  else if (isObject(doc.rules))
    plan = fromLegacy(doc, layoutOfLegacy(doc, doc !== document && isObject(document) && Array.isArray(document.trackingPlans)));
  else {
    throw new PlanFormatError(
      'plan: expected "events" (RudderStack), "rules" as an object (RudderStack legacy, RudderTyper, Segment Config API v1) or "rules" as an array (Segment Public API, Typewriter plan.json)',
    );
  }
  if (override.id !== undefined) plan.id = override.id;
  if (override.version !== undefined) plan.version = override.version;
  return plan;
}

/** The planned schema for `(eventType, name)`: the first match in plan order, or undefined. */
export function findPlannedEvent(plan: TrackingPlan, eventType: string, name: unknown): PlannedEvent | undefined {
  return plan.events.find((e) => e.eventType === eventType && e.name === name);
}
