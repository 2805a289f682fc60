// Value tests the reference applies to event fields. Rules from
// rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/internal/utils/utils.go
// (IsEmptyString, ToString, IsObject) and internal/stringlikeobject/stringlikeobject.go.

/** A decoded JSON object. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "Blank" as lodash's isEmpty(toString(v)): null, "", [], [""] and [[]] are blank; [null] and {} are not. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value === '';
  if (Array.isArray(value)) {
    if (value.length === 0) return true;
    if (value.length === 1) return value[0] === null || value[0] === undefined ? false : isEmptyValue(value[0]);
    return false;
  }
  return false;
}

/** Go's `%v` of a decoded JSON value, as the reference's ToString and the loader's Sprintf write it. */
export function goString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goString(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

function goNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
  // %v of a float64 uses the shortest form, with an exponent below 1e-4 or from 1e21 on.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

/** An object with keys 0..n (or 1..n) and one-character strings: a string sent as an object. */
export function isStringLikeObject(obj: JsonObject): boolean {
  const keys = Object.keys(obj);
  if (keys.length === 0) return false;
  let min = Number.MAX_SAFE_INTEGER;
  let max = -1;
  for (const key of keys) {
    if (!/^[0-9]+$/.test(key)) return false;
    const v = obj[key];
    if (typeof v !== 'string' || Buffer.byteLength(v) !== 1) return false;
    const n = Number(key);
    min = Math.min(min, n);
    max = Math.max(max, n);
  }
  for (let i = min; i <= max; i++) if (!(String(i) in obj)) return false;
  return (min === 0 || min === 1) && max - min + 1 === keys.length;
}

export function stringLikeObjectToString(obj: JsonObject): string {
  return Object.keys(obj)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => goString(obj[String(k)]))
    .join('');
}

/** Looks a dotted path up in an object, as misc.MapLookup does. */
export function lookup(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** JSON as Go's encoder writes a decoded value: object keys sorted, no HTML escaping. */
export function goJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isObject(v)) return v;
    const sorted: JsonObject = {};
    for (const k of Object.keys(v).sort()) sorted[k] = v[k];
    return sorted;
  });
}
