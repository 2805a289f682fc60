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

export function findUnserializable(value: unknown, path: string): Unserializable | undefined {
  const ancestors: object[] = [];
  return check(value, ancestors) === undefined ? undefined : locate(value, path, []);
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

/** Whether `value` (with toJSON, like Dates) serializes as itself: not walked into. */
function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Fast pass: returns a rule when something is wrong somewhere, undefined when all is well. */
function check(value: unknown, ancestors: object[]): string | undefined {
  if (typeof value !== 'object') return leafRule(value);
  if (value === null || hasToJSON(value)) return undefined;
  if (ancestors.includes(value)) return 'is a circular reference';
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
  if (value === null || hasToJSON(value)) return undefined;
  if (ancestors.includes(value)) return { path, rule: 'is a circular reference' };
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
