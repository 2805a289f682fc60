/**
 * The write key out of every text the SDK did not write itself (a data plane's answer, which may echo
 * the request back) before it reaches a log line, an error message or a thrown object. One rule for the
 * SDK and the `rudder` CLI (`rudderanalytics/internal`).
 */
import { base64Utf8 } from './bytes.js';
import { RudderError } from './errors.js';

/** Shortest key of which anything (its last 4 characters) is shown; a shorter one would give away too much. */
const SHOWN_FROM_LENGTH = 12;

/** A write key for display: its last 4 characters (`…3a9c`), or `…` alone for a key shorter than 12. */
export function maskKey(key: string): string {
  return key.length >= SHOWN_FROM_LENGTH ? `…${key.slice(-4)}` : '…';
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces each secret in a text by its {@link maskKey} form, in the shapes a key takes
 * in text composed elsewhere: as given, percent-encoded (inside a URL), and base64 of `key:` (Basic
 * auth, with or without its `=` padding); in any letter case, since a URL parser lowercases a host.
 */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const masks = new Map<string, string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const mask = maskKey(secret);
    const basic = base64Utf8(`${secret}:`);
    for (const form of [secret, encodeURIComponent(secret), basic, basic.replace(/=+$/, '')]) masks.set(form.toLowerCase(), mask);
  }
  if (masks.size === 0) return (text) => text;
  // Longest first, so a key that contains another secret (or the padded form the unpadded one) is masked whole.
  const pattern = new RegExp(
    [...masks.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'gi',
  );
  return (text) => text.replace(pattern, (found) => masks.get(found.toLowerCase()) ?? '…');
}

/** Fields of a network error worth keeping: all primitives the runtime sets, none carrying the peer's bytes. */
const KEPT_FIELDS = ['code', 'errno', 'syscall', 'address', 'port'] as const;

/**
 * A network failure as it may travel in a `retry` event or a DeliveryError's `cause`: the same name,
 * message, stack and codes, with `redact` applied, and without what the runtime attached of the peer's
 * bytes (node's `rawPacket`, undici's `data`), where a peer that echoes the request would hand back the
 * Authorization header. Our own errors (a timeout) pass as they are: they hold nothing from the peer.
 */
export function scrubError(error: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (error instanceof RudderError) return error;
  if (!(error instanceof Error)) return error === undefined ? undefined : redact(String(error));
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  copy.stack = redact(error.stack ?? `${error.name}: ${error.message}`);
  const source = error as unknown as Record<string, unknown>;
  const fields = copy as unknown as Record<string, unknown>;
  for (const key of KEPT_FIELDS) {
    const value = source[key];
    if (typeof value === 'string') fields[key] = redact(value);
    else if (typeof value === 'number') fields[key] = value;
  }
  if (error.cause !== undefined && depth < 3) fields.cause = scrubError(error.cause, redact, depth + 1);
  return copy;
}
