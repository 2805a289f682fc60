/**
 * UUID v4 for messageIds, from the web-standard `crypto.getRandomValues`, drawn 1024 ids' worth at a
 * time. `crypto.randomUUID` refills its own entropy every 128 ids, and that refill (a system call) made
 * every 128th `track()` several times slower than the others: most of its p99. A refill every 1024 ids
 * leaves p99 alone. Node 18 has no global `crypto` without --experimental-global-webcrypto (the core may
 * not import `node:crypto`); there the bytes come from Math.random: a messageId has to be unique, not
 * unguessable.
 */
type WebCrypto = { getRandomValues?<T extends ArrayBufferView>(array: T): T };

const webCrypto = (globalThis as { crypto?: WebCrypto }).crypto;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const IDS_PER_REFILL = 1024;
const pool = new Uint8Array(16 * IDS_PER_REFILL);
let next = IDS_PER_REFILL;

export function randomUuid(): string {
  if (next === IDS_PER_REFILL) {
    refill(pool);
    next = 0;
  }
  return format(pool, 16 * next++);
}

function refill(bytes: Uint8Array): void {
  if (typeof webCrypto?.getRandomValues === 'function') {
    webCrypto.getRandomValues(bytes);
    return;
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.random() * 256) >>> 0;
}

/** The 16 bytes at `at` as a version 4, variant 1 UUID. */
function format(b: Uint8Array, at: number): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    const byte = i === 6 ? (b[at + i] & 0x0f) | 0x40 : i === 8 ? (b[at + i] & 0x3f) | 0x80 : b[at + i];
    out += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[byte];
  }
  return out;
}
