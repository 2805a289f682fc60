/**
 * Edits on JSON *text*, without decoding it: the gateway (rudder-server, sjson on the request bytes) keeps
 * every value as the client wrote it, so `12345678901234567890` and `1e400` are stored digit for digit,
 * where a JSON.parse / JSON.stringify round trip would turn them into `12345678901234567000` and `null`.
 * Every function here walks the text with a loop, never recursion: nesting depth costs nothing.
 * The input must already be valid JSON (the caller parsed it once to validate).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The index just past the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    let slashes = 0;
    for (let j = q - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

const MAYBE_SPACED = /^\s|\s$|[{}[\],:]\s|\s[{}[\],:]/;

/** The text without whitespace between tokens (strings untouched), so it fits on one line of an SSE `data:` field. */
export function minifyJson(text: string): string {
  // Whitespace between tokens always touches a structural character (or an end): without any such pair the
  // text is already minimal, and this native scan is cheaper than the loop below.
  if (!MAYBE_SPACED.test(text)) return text;
  let out = '';
  let from = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (isSpace(c)) {
      out += text.slice(from, i);
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      from = i;
    } else i++;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The index just past the value that starts at `start` (no whitespace before it). */
export function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return stringEnd(text, start);
  if (c !== 0x7b && c !== 0x5b) {
    let i = start;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === 0x2c || d === 0x5d || d === 0x7d || isSpace(d)) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

const skipSpace = (text: string, i: number) => {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
};

/** One member of an object: its decoded key, the raw key token and the raw value. */
export interface Member {
  /** The key, unescaped. */
  key: string;
  /** The key's string token as written, quotes and escapes included. */
  keyText: string;
  /** The value's JSON text as written. */
  value: string;
}

/** The members of the object text `obj` in order, duplicates included. */
export function objectMembers(obj: string): Member[] {
  const out: Member[] = [];
  let i = skipSpace(obj, skipSpace(obj, 0) + 1);
  while (i < obj.length && obj.charCodeAt(i) === QUOTE) {
    const keyEnd = stringEnd(obj, i);
    const keyText = obj.slice(i, keyEnd);
    const key = keyText.includes('\\') ? (JSON.parse(keyText) as string) : keyText.slice(1, -1);
    const start = skipSpace(obj, skipSpace(obj, keyEnd) + 1);
    const end = valueEnd(obj, start);
    out.push({ key, keyText, value: obj.slice(start, end) });
    i = skipSpace(obj, end);
    if (obj.charCodeAt(i) === 0x2c) i = skipSpace(obj, i + 1);
  }
  return out;
}

/** The items of the array text `arr`, raw. */
export function arrayItems(arr: string): string[] {
  const out: string[] = [];
  let i = skipSpace(arr, skipSpace(arr, 0) + 1);
  while (i < arr.length && arr.charCodeAt(i) !== 0x5d) {
    const end = valueEnd(arr, i);
    out.push(arr.slice(i, end));
    i = skipSpace(arr, end);
    if (arr.charCodeAt(i) === 0x2c) i = skipSpace(arr, i + 1);
  }
  return out;
}

/** The raw value of `key` in the object text `obj` (the last one, as JSON.parse reads duplicates); undefined when absent. */
export function memberText(obj: string, key: string): string | undefined {
  let found: string | undefined;
  for (const m of objectMembers(obj)) if (m.key === key) found = m.value;
  return found;
}

/**
 * The object text `obj` with members replaced or added (`set`: key → JSON text) and removed (`drop`). A key
 * set that exists keeps its place (its last occurrence; earlier duplicates go, as JSON.parse drops them);
 * new keys are appended in `set`'s order, the way sjson sets a path.
 */
export function editObject(obj: string, set: ReadonlyMap<string, string>, drop: ReadonlySet<string> = new Set()): string {
  const members = objectMembers(obj);
  const last = new Map<string, number>();
  members.forEach((m, i) => last.set(m.key, i));
  const parts: string[] = [];
  members.forEach((m, i) => {
    if (last.get(m.key) !== i || drop.has(m.key)) return;
    parts.push(`${m.keyText}:${set.has(m.key) ? set.get(m.key)! : m.value}`);
  });
  for (const [key, value] of set) if (!last.has(key)) parts.push(`${JSON.stringify(key)}:${value}`);
  return `{${parts.join(',')}}`;
}
