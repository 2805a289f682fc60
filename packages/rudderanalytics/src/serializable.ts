/**
 * Finds what JSON.stringify would throw on or silently lose, with the path to it, so the caller gets an
 * error naming the field instead of a missing property downstream. The common case (nothing wrong) is a
 * single pass that builds no strings; the path is worked out only when something is found.
 */

/** A value JSON cannot carry, and where it is. */
export interface Unserializable {
  path: string;
  rule: string;
}

/** Deeper than this is refused: a recursive walk (ours, JSON's, the gateway's) has to stop somewhere. */
export const MAX_DEPTH = 256;

/** The walk's stack of open objects, reused across calls: validation runs on every event. */
const ancestors: object[] = [];

export function findUnserializable(value: unknown, path: string): Unserializable | undefined {
  try {
    return check(value, ancestors) === undefined ? undefined : locate(value, path, []);
  } catch (error) {
    ancestors.length = 0; // a throw skipped the pops
    // A getter or toJSON that throws: the value cannot be serialized, whatever it holds.
    return { path, rule: `could not be serialized: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The rule a leaf value breaks, or undefined. Objects are not leaves. */
function leafRule(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : `must be a finite number (got ${value})`;
    case 'bigint':
      return 'must not be a BigInt (JSON has no BigInt; convert it to a string or number)';
    case 'symbol':
      return 'must not be a Symbol';
    case 'function':
      return 'must not be a function';
  }
  return undefined;
}

/** Objects JSON.stringify would send as `{}`, losing what they hold. */
function lossyObjectRule(value: object): string | undefined {
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
    return `must not be a ${value.constructor.name} (JSON sends it as {}); convert it with Object.fromEntries() or Array.from()`;
  }
  return undefined;
}

/** What JSON.stringify would serialize in place of an object with toJSON (Dates and the like). */
function jsonOf(value: object): unknown | typeof NOT_CUSTOM {
  if (value instanceof Date) return NOT_CUSTOM; // serializes as a string or null: always fine
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : NOT_CUSTOM;
}
const NOT_CUSTOM = Symbol('no toJSON');

/** Fast pass: returns a rule when something is wrong somewhere, undefined when all is well. */
function check(value: unknown, ancestors: object[]): string | undefined {
  if (typeof value !== 'object') return leafRule(value);
  if (value === null || value instanceof Date) return undefined;
  const custom = jsonOf(value);
  if (custom !== NOT_CUSTOM)
    return custom !== null && typeof custom === 'object' && ancestors.includes(custom) ? 'is a circular reference' : check(custom, ancestors);
  if (ancestors.includes(value)) return 'is a circular reference';
  if (ancestors.length >= MAX_DEPTH) return `is nested more than ${MAX_DEPTH} levels deep`;
  const lossy = lossyObjectRule(value);
  if (lossy) return lossy;
  ancestors.push(value);
  let rule: string | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && rule === undefined; i++) rule = check(value[i], ancestors);
  } else {
    for (const key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key)) {
        rule = check((value as Record<string, unknown>)[key], ancestors);
        if (rule !== undefined) break;
      }
    }
  }
  ancestors.pop();
  return rule;
}

/** Slow pass, only after `check` found something: the same walk, naming the path. */
function locate(value: unknown, path: string, ancestors: object[]): Unserializable | undefined {
  if (typeof value !== 'object') {
    const rule = leafRule(value);
    return rule === undefined ? undefined : { path, rule };
  }
  if (value === null || value instanceof Date) return undefined;
  const custom = jsonOf(value);
  if (custom !== NOT_CUSTOM)
    return custom !== null && typeof custom === 'object' && ancestors.includes(custom)
      ? { path, rule: 'is a circular reference' }
      : locate(custom, path, ancestors);
  if (ancestors.includes(value)) return { path, rule: 'is a circular reference' };
  if (ancestors.length >= MAX_DEPTH) return { path, rule: `is nested more than ${MAX_DEPTH} levels deep` };
  const lossy = lossyObjectRule(value);
  if (lossy) return { path, rule: lossy };
  ancestors.push(value);
  let found: Unserializable | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && !found; i++) found = locate(value[i], `${path}[${i}]`, ancestors);
  } else {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      found = locate((value as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      if (found) break;
    }
  }
  ancestors.pop();
  return found;
}
