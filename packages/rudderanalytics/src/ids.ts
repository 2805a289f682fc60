/**
 * The gateway's rule for ids, applied at the call so the data plane never rejects a batch for one event.
 * rudder-server JSON-encodes non-string ids, drops characters that do not print (Go's `unicode.IsPrint`
 * is false for every control, format, separator and unassigned code point except the ASCII space) and a
 * fixed list of characters that print as nothing, then trims whitespace.
 */

// Characters that are printable to Go but show nothing (the list rudder-go-kit's sanitizer removes).
const INVISIBLE_PRINTABLE = '\u034F\u115F\u1160\u17B4\u17B5\u2800\u3164\uFFA0';
// eslint-disable-next-line no-misleading-character-class -- each listed code point is removed on its own, combining or not
const NOT_SHOWN = new RegExp(`(?! )[\\p{C}\\p{Z}${INVISIBLE_PRINTABLE}]`, 'gu');

/** The id as the gateway sees it: stringified, invisible characters removed, trimmed. */
export function cleanId(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : (JSON.stringify(value) ?? '');
  return text.replace(NOT_SHOWN, '').trim();
}

/** True when the gateway would accept `value` as a userId or anonymousId. */
export function isPresentId(value: unknown): boolean {
  // Fast path for the common case: a plain ASCII-printable string with something in it.
  if (typeof value === 'string' && /^[\x21-\x7e][\x20-\x7e]*$/.test(value)) return true;
  return cleanId(value) !== '';
}
