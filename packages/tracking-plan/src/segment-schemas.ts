/**
 * Segment's plan files as Segment's own tools read them.
 *
 * - Typewriter's `plan.json` (segmentio/typewriter src/api/trackingplans.ts at d8382953,
 *   `sanitizeTrackingPlan` / `fixProperties`): a rule whose `jsonSchema` carries `eventMetadata` has
 *   already been unwrapped, so its top-level `properties`/`required` describe the event's
 *   `properties`, and Typewriter validates `message.properties` against it. A Public API rule without
 *   it describes the whole message (`properties.properties`, `properties.context`, …).
 * - The keywords these exports carry besides JSON Schema (`labels`, `eventMetadata`, `key`, draft-04's
 *   `id` in a draft-07 schema, a `description` that is no string) are annotations there: JSON Schema ignores unknown
 *   keywords. ajv's strict mode (which the hosted transformer keeps, and we keep for RudderStack's
 *   layouts) refuses them, so they are removed from Segment schemas before they are compiled.
 */
import type { JsonObject } from './types.js';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
/** Keywords whose value is one schema. */
const SCHEMA_ONE = new Set([
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

/** The JSON Schema keywords (draft-04 to 2019-09, and ajv's `nullable`) that ajv compiles; the rest are annotations here. */
const KEYWORDS = new Set([
  ...SCHEMA_MAPS,
  ...SCHEMA_ONE,
  ...SCHEMA_LISTS,
  'items',
  'dependencies',
  '$schema',
  '$id',
  '$ref',
  '$anchor',
  '$recursiveRef',
  '$recursiveAnchor',
  '$comment',
  'type',
  'enum',
  'const',
  'nullable',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'dependentRequired',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
]);

/** Annotations whose value must be a string. */
const TEXTS = new Set(['title', 'description', '$comment']);

function clean(schema: unknown, draft4: boolean): unknown {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'id' && draft4) out.id = value;
    else if (!KEYWORDS.has(key)) continue;
    // A title or description that is no string is an annotation gone astray; the meta-schema would refuse it.
    else if (TEXTS.has(key) && typeof value !== 'string') continue;
    else if (SCHEMA_MAPS.has(key) && isObject(value))
      out[key] = Object.fromEntries(
        Object.entries(value)
          .filter(([, sub]) => isObject(sub) || typeof sub === 'boolean')
          .map(([name, sub]) => [name, clean(sub, draft4)]),
      );
    else if ((SCHEMA_LISTS.has(key) || key === 'items') && Array.isArray(value)) out[key] = value.map((sub) => clean(sub, draft4));
    else if (SCHEMA_ONE.has(key) || key === 'items') out[key] = clean(value, draft4);
    else if (key === 'dependencies' && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, dep]) => [name, Array.isArray(dep) ? dep : clean(dep, draft4)]));
    else out[key] = value;
  }
  return out;
}

/** A Segment schema without the annotation keywords Segment's exports carry; JSON Schema keywords are kept as they are. */
export function withoutAnnotations(schema: JsonObject): JsonObject {
  const draft4 = typeof schema.$schema === 'string' && schema.$schema.includes('draft-04');
  return clean(schema, draft4) as JsonObject;
}

/** Whether a Public API rule's schema is Typewriter's unwrapped form (it carries `eventMetadata`). */
export function isUnwrapped(schema: unknown): schema is JsonObject {
  return isObject(schema) && schema.eventMetadata !== undefined;
}

/**
 * The whole-message schema of an unwrapped (Typewriter) rule: the rule's schema describes the payload
 * (`properties`; `traits` for identify and group), which must be there when the rule requires any of its keys.
 */
export function wrapProperties(unwrapped: JsonObject, eventType = 'track'): JsonObject {
  const { $schema, description, ...inner } = withoutAnnotations(unwrapped);
  const field = eventType === 'identify' || eventType === 'group' ? 'traits' : 'properties';
  const required = Array.isArray(inner.required) && inner.required.length > 0;
  return {
    ...($schema !== undefined ? { $schema } : {}),
    ...(description !== undefined ? { description } : {}),
    type: 'object',
    properties: { [field]: inner },
    ...(required ? { required: [field] } : {}),
  };
}
