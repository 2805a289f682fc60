/**
 * What a JSON Schema accepts, as far as it can be read without running it: the JSON types it lets
 * through (an `enum` or `const` narrows them to its values' types), the finite set of values where
 * there is one, and whether a given value passes. Backs the semantic comparison in diff.ts.
 */
import type { JsonObject } from './types.js';

/** JSON types, with numbers split so that `integer` ⊂ `number` is a plain subset: number = integer ∪ fraction. */
export type JsonType = 'null' | 'boolean' | 'string' | 'integer' | 'fraction' | 'array' | 'object';

const ALL_TYPES: readonly JsonType[] = ['null', 'boolean', 'string', 'integer', 'fraction', 'array', 'object'];

/** Keywords whose effect this module cannot decide; a change to one is at most "possibly breaking". */
export const UNDECIDABLE = [
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'propertyNames',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'minContains',
  'maxContains',
  'additionalItems',
  'prefixItems',
] as const;

const codePoints = (s: string) => [...s].length;
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A schema in object form: `true`/absent accept everything, `false` nothing. */
export function asSchema(s: unknown): JsonObject | false {
  if (s === false) return false;
  return isObject(s) ? s : {};
}

/** The JSON type of a value. */
export function typeOfValue(v: unknown): JsonType {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'fraction';
  return Array.isArray(v) ? 'array' : 'object';
}

/** A value's canonical JSON text (object keys sorted): equal texts mean equal JSON values. */
export function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function typesOfKeyword(type: unknown): Set<JsonType> {
  const names = Array.isArray(type) ? type.map(String) : [String(type)];
  const out = new Set<JsonType>();
  for (const n of names) {
    if (n === 'number') out.add('integer').add('fraction');
    else if ((ALL_TYPES as readonly string[]).includes(n) && n !== 'fraction') out.add(n as JsonType);
  }
  return out;
}

/** What a schema lets through at its top level: its types and, where finite, its values. */
export interface Domain {
  types: Set<JsonType>;
  /** Every accepted value, where the schema pins them (enum, const, or types null/boolean only); undefined when unbounded. */
  values?: unknown[];
}

/** The domain of a schema read from `type`, `enum` and `const` alone. */
function declaredDomain(schema: JsonObject): Domain {
  let types = schema.type === undefined ? new Set(ALL_TYPES) : typesOfKeyword(schema.type);
  let values: unknown[] | undefined;
  if (Array.isArray(schema.enum)) values = schema.enum;
  if ('const' in schema) values = values ? values.filter((v) => canon(v) === canon(schema.const)) : [schema.const];
  if (values) {
    values = values.filter((v) => types.has(typeOfValue(v)));
    types = new Set(values.map(typeOfValue));
  } else if ([...types].every((t) => t === 'null' || t === 'boolean')) {
    values = [...(types.has('null') ? [null] : []), ...(types.has('boolean') ? [false, true] : [])];
  }
  return { types, values };
}

/** Types whose bounds contradict each other (minLength 3, maxLength 1): the schema accepts none of them. */
function emptyTypes(schema: JsonObject): Set<JsonType> {
  const out = new Set<JsonType>();
  const crossed = (lo: string, hi: string) => num(schema[lo]) !== undefined && num(schema[hi]) !== undefined && num(schema[lo])! > num(schema[hi])!;
  if (crossed('minLength', 'maxLength')) out.add('string');
  if (crossed('minItems', 'maxItems')) out.add('array');
  if (crossed('minProperties', 'maxProperties')) out.add('object');
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  if (required.some((r) => (r in props ? props[r] === false : schema.additionalProperties === false))) out.add('object');
  const lo = numberBound(schema, 'min');
  const hi = numberBound(schema, 'max');
  if (lo && hi) {
    if (lo.value > hi.value || (lo.value === hi.value && (lo.exclusive || hi.exclusive))) out.add('integer').add('fraction');
    const [ilo, ihi] = [integerBound(lo, 'min')!, integerBound(hi, 'max')!];
    if (ilo.value > ihi.value) out.add('integer');
  }
  return out;
}

/** The domain of a schema: its declared types and values, less those its other keywords refuse outright. */
export function domainOf(schema: JsonObject | false): Domain {
  if (schema === false) return { types: new Set(), values: [] };
  const declared = declaredDomain(schema);
  const empty = emptyTypes(schema);
  const types = new Set([...declared.types].filter((t) => !empty.has(t)));
  const values = declared.values?.filter((v) => types.has(typeOfValue(v)) && acceptsValue(schema, v) !== false);
  return values ? { types: new Set(values.map(typeOfValue)), values } : { types };
}

/** Types in words, numbers merged back: integer + fraction = number. */
export function typeWords(types: Iterable<JsonType>): string {
  const set = new Set(types);
  const words: string[] = [];
  for (const t of ALL_TYPES) {
    if (!set.has(t)) continue;
    if (t === 'integer') words.push(set.has('fraction') ? 'number' : 'integer');
    else if (t === 'fraction') {
      if (!set.has('integer')) words.push('non-integer number');
    } else words.push(t);
  }
  return words.join(', ') || 'nothing';
}

/** An inclusive or exclusive bound on numbers. */
export interface Bound {
  value: number;
  exclusive: boolean;
}

/** The tightest lower (`min`) or upper (`max`) bound a schema puts on numbers, in either draft's form. */
export function numberBound(s: JsonObject, side: 'min' | 'max'): Bound | undefined {
  const incl = s[side === 'min' ? 'minimum' : 'maximum'];
  const excl = s[side === 'min' ? 'exclusiveMinimum' : 'exclusiveMaximum'];
  const bounds: Bound[] = [];
  // draft-04: a boolean exclusiveMinimum makes minimum itself exclusive.
  if (typeof incl === 'number') bounds.push({ value: incl, exclusive: excl === true });
  if (typeof excl === 'number') bounds.push({ value: excl, exclusive: true });
  if (bounds.length === 0) return undefined;
  const tighter = (a: Bound, b: Bound) =>
    a.value === b.value ? (a.exclusive ? a : b) : (side === 'min' ? a.value > b.value : a.value < b.value) ? a : b;
  return bounds.reduce(tighter);
}

/** The same bound over integers only, made inclusive: `exclusiveMinimum: -1` is `minimum: 0`. */
export function integerBound(b: Bound | undefined, side: 'min' | 'max'): Bound | undefined {
  if (!b) return undefined;
  if (side === 'min') return { value: b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value), exclusive: false };
  return { value: b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false };
}

function withinBound(n: number, b: Bound | undefined, side: 'min' | 'max'): boolean {
  if (!b) return true;
  if (side === 'min') return b.exclusive ? n > b.value : n >= b.value;
  return b.exclusive ? n < b.value : n <= b.value;
}

/** Whether `schema` accepts `value`: true, false, or undefined where a keyword it cannot decide applies. */
export function acceptsValue(schema: JsonObject | false, value: unknown): boolean | undefined {
  if (schema === false) return false;
  const d = declaredDomain(schema);
  const t = typeOfValue(value);
  if (!d.types.has(t)) return false;
  if (d.values && !d.values.some((v) => canon(v) === canon(value))) return false;
  if (typeof value === 'number') {
    if (!withinBound(value, numberBound(schema, 'min'), 'min') || !withinBound(value, numberBound(schema, 'max'), 'max')) return false;
    const m = num(schema.multipleOf);
    if (m !== undefined && !Number.isInteger(value / m)) return false;
  }
  if (typeof value === 'string') {
    const min = num(schema.minLength);
    const max = num(schema.maxLength);
    if ((min !== undefined && codePoints(value) < min) || (max !== undefined && codePoints(value) > max)) return false;
    if (typeof schema.pattern === 'string') {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) return false;
      } catch {
        return undefined;
      }
    }
    if (schema.format !== undefined) return undefined;
  }
  if (Array.isArray(value)) return arrayAccepted(schema, value);
  if (isObject(value)) return objectAccepted(schema, value);
  return UNDECIDABLE.some((k) => k in schema) ? undefined : true;
}

function all(results: (boolean | undefined)[]): boolean | undefined {
  if (results.includes(false)) return false;
  return results.includes(undefined) ? undefined : true;
}

function arrayAccepted(schema: JsonObject, value: unknown[]): boolean | undefined {
  const min = num(schema.minItems);
  const max = num(schema.maxItems);
  if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) return false;
  if (schema.uniqueItems === true && new Set(value.map(canon)).size !== value.length) return false;
  if (Array.isArray(schema.items)) return undefined;
  const items = asSchema(schema.items);
  return all([...value.map((v) => acceptsValue(items, v)), UNDECIDABLE.some((k) => k in schema) ? undefined : true]);
}

function objectAccepted(schema: JsonObject, value: JsonObject): boolean | undefined {
  const keys = Object.keys(value);
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  if (required.some((r) => !keys.includes(r))) return false;
  const min = num(schema.minProperties);
  const max = num(schema.maxProperties);
  if ((min !== undefined && keys.length < min) || (max !== undefined && keys.length > max)) return false;
  const props = isObject(schema.properties) ? schema.properties : {};
  const extra = asSchema(schema.additionalProperties);
  const results = keys.map((k) => acceptsValue(k in props ? asSchema(props[k]) : extra, value[k]));
  return all([...results, UNDECIDABLE.some((k) => k in schema) ? undefined : true]);
}
