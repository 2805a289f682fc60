/** Drafts a plan (RudderStack's current `events[]` layout) from observed messages: the types seen, the keys always present required. */
import { lookupName } from './coverage.js';
import { isSupportedEventType } from './settings.js';
import type { JsonObject } from './types.js';

type Schema = JsonObject;

/** The field a message type carries its payload in. */
function payloadField(type: string): string {
  return type === 'identify' || type === 'group' ? 'traits' : 'properties';
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' ? 'number' : typeof v;
}

/** A schema accepting every sample: types seen, keys seen in every object required, array items merged. */
export function inferSchema(samples: unknown[]): Schema {
  const types = [...new Set(samples.map(jsonType))].sort();
  const schema: Schema = { type: types.length === 1 ? types[0] : types };
  const objects = samples.filter((s): s is JsonObject => jsonType(s) === 'object');
  if (objects.length > 0) {
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
    schema.properties = Object.fromEntries(keys.map((k) => [k, inferSchema(objects.filter((o) => k in o).map((o) => o[k]))]));
    const required = keys.filter((k) => objects.every((o) => k in o));
    if (required.length) schema.required = required;
  }
  const items = samples.filter(Array.isArray).flat();
  if (items.length > 0) schema.items = inferSchema(items);
  return schema;
}

/** A draft plan document covering every track event name and other type seen (alias is never planned). */
export function draftPlan(messages: Iterable<JsonObject>, meta: { name?: string } = {}): JsonObject {
  const groups = new Map<string, { eventType: string; name: string; payloads: unknown[] }>();
  for (const m of messages) {
    const eventType = String(m.type);
    if (!isSupportedEventType(eventType)) continue;
    const name = lookupName(m);
    const key = JSON.stringify([eventType, name]);
    const g = groups.get(key) ?? { eventType, name, payloads: [] };
    g.payloads.push(m[payloadField(eventType)] ?? {});
    groups.set(key, g);
  }
  const events = [...groups.values()].map((g) => {
    const field = payloadField(g.eventType);
    return {
      name: g.name,
      eventType: g.eventType,
      rules: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { [field]: inferSchema(g.payloads) },
      },
    };
  });
  return { name: meta.name ?? 'Drafted tracking plan', version: 1, events };
}
