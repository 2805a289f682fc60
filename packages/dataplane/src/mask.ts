/**
 * How a write key may be shown, and how text is cleaned of keys: the one rule for the data plane's
 * banner and every byte the `rudder` CLI prints. No dependencies, so the CLI can load it without SQLite
 * (`@rudderanalytics/dataplane/mask`).
 */

/** Shortest key of which anything (its last 4 characters) is shown; a shorter one would give away too much. */
const SHOWN_FROM_LENGTH = 12;

/** A write key for display: its last 4 characters (`…3a9c`), or `…` alone for a key shorter than 12. */
export function maskKey(key: string): string {
  return key.length >= SHOWN_FROM_LENGTH ? `…${key.slice(-4)}` : '…';
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every occurrence of each secret in a text by its {@link maskKey} form. It
 * matches case-insensitively, because a URL parser lowercases a host (`http://2LxAb…` prints as
 * `2lxab…`), and it also matches the percent-encoded form (a key inside a URL) and the Basic auth
 * form (base64 of `key:`), the shapes in which a key turns up in messages composed by other code.
 */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const masks = new Map<string, string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const mask = maskKey(secret);
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(`${secret}:`).toString('base64')]) {
      masks.set(form.toLowerCase(), mask);
    }
  }
  if (masks.size === 0) return (text) => text;
  // Longest first, so a key that contains another secret is masked whole.
  const alternatives = [...masks.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  return (text) => text.replace(pattern, (found) => masks.get(found.toLowerCase()) ?? '…');
}
