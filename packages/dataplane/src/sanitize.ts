import { serializeDeep, type JsonStyle } from './serialize.js';

/**
 * Identifier clean-up exactly as rudder-server's gateway applies it (rudder-go-kit `sanitize.Unicode`,
 * `stringify.Any`, then `strings.TrimSpace`). The SDK applies the identical rule before sending,
 * so both sides agree on which events are identifiable.
 */

/**
 * Runes that Go's `unicode.IsPrint` still reports as printable (or that we list for clarity) but that
 * rudder-go-kit strips anyway; the list comes from https://invisible-characters.com/.
 */
export const INVISIBLE_RUNES: readonly number[] = [
  0x0000, 0x0009, 0x00a0, 0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202f, 0x205f, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x206a, 0x206b,
  0x206c, 0x206d, 0x206e, 0x206f, 0x3000, 0x2800, 0x3164, 0xfeff, 0xffa0,
];

const listClass = INVISIBLE_RUNES.map((r) => `\\u{${r.toString(16)}}`).join('');
// Go's unicode.IsPrint keeps categories L, M, N, P, S and the ASCII space only.
const REMOVE = new RegExp(`[${listClass}]|[^\\p{L}\\p{M}\\p{N}\\p{P}\\p{S} ]`, 'gu');

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const toWellFormed: (s: string) => string =
  typeof (String.prototype as { toWellFormed?: unknown }).toWellFormed === 'function'
    ? (s) => (s as unknown as { toWellFormed(): string }).toWellFormed()
    : (s) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/**
 * rudder-go-kit `sanitize.Unicode`: drops every rune that is not printable per Go's
 * `unicode.IsPrint` (so everything but letters, marks, numbers, punctuation, symbols and
 * U+0020) and every rune of {@link INVISIBLE_RUNES}.
 */
export function sanitizeUnicode(s: string): string {
  // Printable ASCII is kept whole; most ids are exactly that, so skip the Unicode-class regex.
  if (PRINTABLE_ASCII.test(s)) return s;
  // Go's JSON decoder has already turned lone surrogates into U+FFFD (a printable symbol).
  return toWellFormed(s).replace(REMOVE, '');
}

/** Go's json.Marshal escapes these even inside strings; the result feeds rudderId, so it must match. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Go sorts keys by their UTF-8 bytes, which differs from JS's UTF-16 order above U+FFFF.
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

const GO_STYLE: JsonStyle = { quote: goQuote, keys: (obj) => Object.keys(obj).sort(byUtf8) };

/** Go's json.Marshal of a decoded JSON value (any depth): map keys come out sorted. */
export function goMarshal(v: unknown): string {
  return serializeDeep(v, GO_STYLE);
}

/** rudder-go-kit `stringify.Any`: strings as they are, null/absent as "", anything else as JSON. */
export function stringifyId(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return goMarshal(v);
}

/** The identifier the gateway reasons about: stringified, sanitized, then whitespace-trimmed. */
export function cleanId(v: unknown): string {
  return sanitizeUnicode(stringifyId(v)).trim();
}
