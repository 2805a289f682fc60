/** Byte-level helpers that every runtime has, without Buffer. */

const encoder = new TextEncoder();
const MAX_SCRATCH = 1 << 20;
let scratch = new Uint8Array(64 * 1024);

/**
 * UTF-8 length of a string. Encoding into a reused buffer is native code and about ten times faster
 * than counting in JavaScript; the buffer grows to the largest string seen (3 bytes per UTF-16 unit at most).
 */
export function utf8Length(text: string): number {
  const worst = text.length * 3;
  if (worst > scratch.length) {
    // An outsized string (often one about to be refused as too large) is not worth keeping a buffer for.
    if (worst > MAX_SCRATCH) return encoder.encode(text).length;
    scratch = new Uint8Array(worst);
  }
  return encoder.encodeInto(text, scratch).written;
}

/** Base64 of the UTF-8 bytes of `text` (btoa alone only takes Latin-1). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}
