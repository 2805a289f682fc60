/**
 * Test support: events derived from a plan document's own schemas, read from the raw document (not
 * through `loadPlan`, so a loader that misreads a layout cannot also mislead the derivation). For each
 * planned event with a schema: one conforming event, one without the first required property of its
 * payload (`properties`, or `traits` for identify and group), one with a payload property of a JSON
 * type its schema does not allow. The verdict each must get follows from how it was made.
 */
import { createRequire } from 'node:module';
import type { JsonObject, PlanLayout } from '@rudderanalytics/tracking-plan';

// A stock JSON Schema validator (ajv, strict mode off: annotations ignored), only to choose among
// candidate payloads where a schema's conditionals (`if`/`then`) decide which one it accepts. It is
// loaded from the tracking-plan package's own dependencies; none of that package's code is involved.
const requireFromPlanPackage = createRequire(new URL('../../../packages/tracking-plan/package.json', import.meta.url));
const { default: Ajv2019 } = requireFromPlanPackage('ajv/dist/2019.js');
const { default: AjvDraft04 } = requireFromPlanPackage('ajv-draft-04');
const { default: addFormats } = requireFromPlanPackage('ajv-formats');

function stockAccepts(schema: JsonObject, value: unknown): boolean {
  const draft4 = typeof schema.$schema === 'string' && schema.$schema.includes('draft-04');
  const ajv = draft4 ? new AjvDraft04({ strict: false }) : new Ajv2019({ strict: false });
  addFormats(ajv);
  const { $schema: _ignored, ...rest } = schema;
  return ajv.validate(draft4 ? schema : rest, value) as boolean;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const SUPPORTED = ['track', 'identify', 'page', 'screen', 'group'];

/** One planned event as the raw document states it. */
interface RawEvent {
  eventType: string;
  name: string;
  /** The schema of the whole message, where the layout gives one. */
  root?: JsonObject;
  /** The schema of the payload field. */
  payload?: JsonObject;
}

/** The payload field of a call type. */
export function payloadField(eventType: string): 'properties' | 'traits' {
  return eventType === 'identify' || eventType === 'group' ? 'traits' : 'properties';
}

function whole(eventType: string, name: string, root: unknown): RawEvent {
  const schema = isObject(root) ? root : undefined;
  const props = schema && isObject(schema.properties) ? schema.properties : undefined;
  const payload = props?.[payloadField(eventType)];
  return { eventType, name, ...(schema ? { root: schema } : {}), ...(isObject(payload) ? { payload } : {}) };
}

/** The planned events of a document in the given layout, read where each layout puts them. */
function rawEvents(doc: JsonObject, layout: PlanLayout): RawEvent[] {
  if (layout === 'rudderstack-events') return (doc.events as JsonObject[]).map((e) => whole(String(e.eventType), String(e.name), e.rules));
  if (layout === 'segment-public-api' || layout === 'typewriter') {
    // The highest version per rule is the live one.
    const latest = new Map<string, JsonObject>();
    for (const r of doc.rules as JsonObject[]) {
      const seen = latest.get(String(r.key));
      if (!seen || Number(r.version) > Number(seen.version)) latest.set(String(r.key), r);
    }
    return [...latest.values()].map((r) => {
      const type = String(r.type).toLowerCase();
      const schema = r.jsonSchema as JsonObject;
      // Typewriter's unwrapped rules describe the event's properties themselves.
      if (schema.eventMetadata !== undefined) return { eventType: type, name: String(r.key), payload: schema };
      return whole(type, type === 'track' ? String(r.key) : '', schema);
    });
  }
  const rules = doc.rules as JsonObject;
  const events = Array.isArray(rules.events)
    ? (rules.events as JsonObject[]).map((e) => whole(typeof e.eventType === 'string' ? e.eventType : 'track', String(e.name), e.rules))
    : [];
  for (const type of ['identify', 'page', 'screen', 'group']) if (isObject(rules[type])) events.push(whole(type, '', rules[type]));
  return events;
}

const FORMATS: Record<string, string> = {
  email: 'a@example.com',
  'date-time': '2024-01-02T03:04:05Z',
  date: '2024-01-02',
  time: '03:04:05Z',
  uri: 'https://example.com/x',
  'uri-reference': '/x',
  uuid: '3f8e2a9c-1b4d-4c6e-9a7f-0d2b5c8e1f3a',
  ipv4: '192.0.2.1',
  hostname: 'example.com',
};

/** A string the pattern accepts, for the patterns plans use (literal alternatives); else a plain word. */
function patternSample(pattern: string): string {
  const literal = /^\^?\(?([\w ,.-]+)(?:\|[\w ,.-]+)*\)?\$?$/.exec(pattern);
  return literal ? literal[1] : 'x';
}

function typesOf(schema: JsonObject): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** A value the schema accepts, built from its keywords. */
export function sampleValue(schema: unknown, depth = 0): unknown {
  if (!isObject(schema)) return 'x';
  if (Object.prototype.hasOwnProperty.call(schema, 'const')) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) return sampleValue((schema[key] as unknown[])[0], depth + 1);
  const types = typesOf(schema);
  const type =
    types.find((t) => t !== 'null') ??
    (types.includes('null') ? 'null' : isObject(schema.properties) || Array.isArray(schema.required) ? 'object' : schema.items ? 'array' : 'any');
  switch (type) {
    case 'string': {
      let s =
        typeof schema.format === 'string' && FORMATS[schema.format]
          ? FORMATS[schema.format]
          : typeof schema.pattern === 'string'
            ? patternSample(schema.pattern)
            : 'x';
      if (typeof schema.minLength === 'number') s = s.padEnd(schema.minLength, 'x');
      return s;
    }
    case 'number':
    case 'integer': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
      const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      return Math.min(type === 'integer' ? Math.ceil(min) : min, max);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      if (isObject(schema.contains)) {
        const n = typeof schema.minContains === 'number' ? Math.max(1, schema.minContains) : 1;
        return Array.from({ length: n }, () => sampleValue(schema.contains, depth + 1));
      }
      if (Array.isArray(schema.items)) return schema.items.map((s) => sampleValue(s, depth + 1));
      const n = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
      return depth > 6 ? [] : Array.from({ length: n }, () => sampleValue(schema.items, depth + 1));
    }
    case 'object':
      return sampleObject(schema, depth);
    default:
      return 'x';
  }
}

/** The `allOf` members of a schema, nested ones included. */
function allOfMembers(schema: JsonObject): JsonObject[] {
  const members = Array.isArray(schema.allOf) ? schema.allOf.filter(isObject) : [];
  return members.flatMap((m) => [m, ...allOfMembers(m)]);
}

function sampleObject(schema: JsonObject, depth: number): JsonObject {
  const out: JsonObject = {};
  const props = isObject(schema.properties) ? schema.properties : {};
  // Every declared property (optional ones too: more types exercised), then required ones not declared.
  for (const [key, sub] of Object.entries(props)) out[key] = sampleValue(sub, depth + 1);
  for (const key of Array.isArray(schema.required) ? schema.required : []) if (typeof key === 'string' && !(key in out)) out[key] = 'x';
  // allOf members that pin a declared property (const, enum) pin the sample too.
  const members = allOfMembers(schema);
  for (const m of members) {
    for (const [key, sub] of Object.entries(isObject(m.properties) ? m.properties : {}))
      if (key in out && isObject(sub) && (sub.const !== undefined || Array.isArray(sub.enum))) out[key] = sampleValue(sub, depth + 1);
  }
  // Conditionals: try each value an `if` names for a property until the schema accepts the sample.
  const conditions = members.flatMap((m) => (isObject(m.if) && isObject(m.if.properties) ? Object.entries(m.if.properties) : []));
  if (conditions.length === 0 || stockAccepts(schema, out)) return out;
  for (const [key, cond] of conditions) {
    const values = isObject(cond) ? [...(Array.isArray(cond.enum) ? cond.enum : []), ...(cond.const !== undefined ? [cond.const] : [])] : [];
    for (const value of values) {
      const candidate = { ...out, [key]: value };
      if (stockAccepts(schema, candidate)) return candidate;
    }
  }
  return out;
}

/** A value of a JSON type none of `types` allows (`integer` allows only whole numbers). */
function wrongValue(types: string[]): unknown {
  const candidates: Array<[unknown, string[]]> = [
    [12345, ['number', 'integer']],
    ['not-a-number', ['string']],
    [true, ['boolean']],
    [{ unexpected: 1 }, ['object']],
    [['unexpected'], ['array']],
  ];
  return candidates.find(([, accepted]) => !accepted.some((t) => types.includes(t)))![0];
}

/** A JSON Pointer segment, escaped as ajv writes it in `instancePath`. */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** What a derived event is, and so the verdict it must get. */
export type CaseKind = 'conforming' | 'missing-required' | 'wrong-type';

/** One derived event. */
export interface DerivedCase {
  kind: CaseKind;
  eventType: string;
  /** The track event's name, `""` for the others. */
  name: string;
  /** The message, as a client sends it. */
  message: JsonObject;
  /** The payload field the case changed (`properties` or `traits`). */
  field: 'properties' | 'traits';
  /** The payload's value (what a typed call passes). */
  payload: JsonObject;
  /** The payload key removed (missing-required) or given a wrong type (wrong-type). */
  key?: string;
  /** Where the violation must be: `/properties` for a missing key, `/properties/<key>` for a wrong type. */
  instancePath?: string;
}

let serial = 0;

/** The base of a message of this type: what the SDK needs for the call besides the payload. */
function baseMessage(e: RawEvent): JsonObject {
  return {
    type: e.eventType,
    messageId: `derived-${serial++}`,
    userId: 'u1',
    ...(e.eventType === 'track' ? { event: e.name } : {}),
    ...(e.eventType === 'page' || e.eventType === 'screen' ? { name: 'Home' } : {}),
    ...(e.eventType === 'group' ? { groupId: 'g1' } : {}),
  };
}

/** The derived events of a plan document: every planned event once (the first per lookup key), in plan order. */
export function deriveCases(doc: JsonObject, layout: PlanLayout): DerivedCase[] {
  const out: DerivedCase[] = [];
  const seen = new Set<string>();
  for (const e of rawEvents(doc, layout)) {
    const key = JSON.stringify([e.eventType, e.eventType === 'track' ? e.name : '']);
    if (seen.has(key) || !SUPPORTED.includes(e.eventType)) continue;
    seen.add(key);
    if (!e.payload && !(e.root && Object.keys(e.root).length > 0)) continue;
    const field = payloadField(e.eventType);
    const payload = e.payload ? sampleObject(e.payload, 0) : {};
    // Other top-level keys the whole-message schema requires get a value of their schema too.
    const extra: JsonObject = {};
    const rootProps = e.root && isObject(e.root.properties) ? e.root.properties : {};
    for (const k of Array.isArray(e.root?.required) ? e.root.required : [])
      if (typeof k === 'string' && k !== field && !['type', 'event', 'name', 'groupId', 'userId'].includes(k)) extra[k] = sampleValue(rootProps[k]);
    const make = (kind: CaseKind, p: JsonObject, more: Partial<DerivedCase> = {}): DerivedCase => ({
      kind,
      eventType: e.eventType,
      name: e.eventType === 'track' ? e.name : '',
      message: { ...baseMessage(e), ...extra, [field]: p },
      field,
      payload: p,
      ...more,
    });
    out.push(make('conforming', payload));
    const required = (Array.isArray(e.payload?.required) ? e.payload.required : []).filter((k): k is string => typeof k === 'string');
    if (required.length > 0) {
      const { [required[0]]: _removed, ...rest } = payload;
      out.push(make('missing-required', rest, { key: required[0], instancePath: `/${field}` }));
    }
    const props = e.payload && isObject(e.payload.properties) ? e.payload.properties : {};
    const typed = Object.entries(props).find(([, s]) => isObject(s) && typesOf(s).length > 0);
    if (typed) {
      const [k, s] = typed;
      out.push(make('wrong-type', { ...payload, [k]: wrongValue(typesOf(s as JsonObject)) }, { key: k, instancePath: `/${field}/${pointer(k)}` }));
    }
  }
  return out;
}
