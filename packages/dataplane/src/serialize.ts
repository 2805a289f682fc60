/**
 * JSON serialization without recursion. `JSON.stringify` recurses and throws a RangeError a few thousand
 * levels deep, while `JSON.parse` (and Go's decoder in the gateway) accept far deeper documents; a body the
 * gateway stores must never turn into a 500 here, so deep values are written with an explicit stack.
 */

/** How object keys are ordered and strings quoted. */
export interface JsonStyle {
  quote(s: string): string;
  /** The keys of an object in output order. */
  keys(obj: Record<string, unknown>): string[];
}

/** `JSON.stringify`'s own output: insertion order, standard escaping. */
export const STANDARD_STYLE: JsonStyle = { quote: (s) => JSON.stringify(s), keys: Object.keys };

type Frame = { kind: 'array'; items: unknown[]; next: number } | { kind: 'object'; obj: Record<string, unknown>; keys: string[]; next: number };

function scalar(v: unknown, style: JsonStyle): string {
  if (typeof v === 'string') return style.quote(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return 'null';
}

/**
 * Serializes a value decoded from JSON (objects, arrays, strings, finite numbers, booleans, null) at any
 * depth. With {@link STANDARD_STYLE} the text equals `JSON.stringify(value)`.
 */
export function serializeDeep(value: unknown, style: JsonStyle): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown) => {
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ kind: 'array', items: v, next: 0 });
    } else if (typeof v === 'object' && v !== null) {
      const obj = v as Record<string, unknown>;
      out.push('{');
      stack.push({ kind: 'object', obj, keys: style.keys(obj).filter((k) => obj[k] !== undefined), next: 0 });
    } else {
      out.push(scalar(v, style));
    }
  };
  open(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.kind === 'array') {
      if (top.next === top.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.next > 0) out.push(',');
      open(top.items[top.next++]);
    } else {
      if (top.next === top.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      const key = top.keys[top.next++];
      out.push(`${top.next > 1 ? ',' : ''}${style.quote(key)}:`);
      open(top.obj[key]);
    }
  }
  return out.join('');
}

/** `JSON.stringify` for decoded JSON, falling back to {@link serializeDeep} when the value is too deep for it. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return serializeDeep(value, STANDARD_STYLE);
  }
}
