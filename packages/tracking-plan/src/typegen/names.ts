/** Identifiers for generated code: derived from event names, stable, never colliding, never reserved. */
import { createHash } from 'node:crypto';

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity ' +
    'constructor prototype toString valueOf hasOwnProperty __proto__'
  ).split(' '),
);

/** Splits a name into alphanumeric words ("Order Completed", "order_completed", "orderCompleted" → order, completed). */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/** `camelCase` of a name ("" when it has no letters or digits). */
export function camelCase(name: string): string {
  return words(name)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

/** `PascalCase` of a name. */
export function pascalCase(name: string): string {
  const c = camelCase(name);
  return c === '' ? c : c[0].toUpperCase() + c.slice(1);
}

/** A short hash of a name: the suffix that tells colliding names apart, the same on every run. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * Identifiers for a list of names, in the same order. Each is the camelCase of its name; a name that
 * yields nothing, starts with a digit, is reserved (by JavaScript or in `taken`), or collides with
 * another name's identifier gets `_` plus a hash of the original name: so an identifier depends only
 * on its own name and on which names collide, not on the order of the plan.
 */
export function identifiers(names: readonly string[], taken: ReadonlySet<string> = new Set()): string[] {
  const bases = names.map((n) => {
    const c = camelCase(n);
    return c === '' ? 'event' : /^[0-9]/.test(c) ? `e${c}` : c;
  });
  const counts = new Map<string, number>();
  for (const b of bases) counts.set(b, (counts.get(b) ?? 0) + 1);
  return bases.map((b, i) =>
    counts.get(b)! > 1 || RESERVED.has(b) || taken.has(b) || camelCase(names[i]) === '' ? `${b}_${shortHash(names[i])}` : b,
  );
}

/** A property key as written in a type: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/** Text made safe inside a TSDoc comment (no comment terminator, one line per line). */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\u2215').replace(/\r\n?/g, '\n');
}
