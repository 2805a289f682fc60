/**
 * UUID v4 for messageIds. The web-standard `crypto.randomUUID` is there on every runtime the SDK
 * supports except Node 18, where `crypto` is a global only behind --experimental-global-webcrypto
 * (unflagged in Node 19), and the core may not import `node:crypto`. There the bytes come from
 * Math.random: a messageId has to be unique, not unguessable.
 */
type WebCrypto = { randomUUID?(): string };

const webCrypto = (globalThis as { crypto?: WebCrypto }).crypto;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function randomUuid(): string {
  return webCrypto?.randomUUID ? webCrypto.randomUUID() : mathRandomUuid();
}

function mathRandomUuid(): string {
  const b = new Array<number>(16);
  for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) >>> 0;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) out += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[b[i]];
  return out;
}
