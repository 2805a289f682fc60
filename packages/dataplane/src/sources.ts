import { createHash, timingSafeEqual } from 'node:crypto';
import { Messages, type Message } from './messages.js';

/** One source as configured: its write key, a display name, and whether it is switched off. */
export interface SourceConfig {
  /** The source's write key. */
  writeKey: string;
  /** Shown in stored rows and the live page instead of the key; defaults to `source-<n>`. */
  name?: string;
  /** A disabled source is known (its key is valid) but every request gets 404 `source is disabled`. */
  disabled?: boolean;
}

/** A source as the server keeps it: the raw key is hashed away right after start. */
export interface Source {
  /** A stable id derived from the key's hash (what `/sourceConfig` reports as the source id). */
  id: string;
  name: string;
  disabled: boolean;
  /** sha256 of the write key: what requests are matched against, so the key itself is not kept. */
  keyDigest: Buffer;
}

export type AuthResult = { ok: true; source: Source } | { ok: false; message: Message };

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

export function toSources(configs: SourceConfig[]): Source[] {
  return configs.map((c, i) => {
    if (typeof c.writeKey !== 'string' || c.writeKey === '') {
      throw new Error(`source #${i + 1} has no writeKey`);
    }
    // Basic auth cuts the decoded value at the first ':', so such a key could never authenticate.
    if (c.writeKey.includes(':')) throw new Error(`the write key of source #${i + 1} contains ':'`);
    const digest = sha256(c.writeKey);
    return {
      id: `src_${digest.toString('hex').slice(0, 23)}`,
      name: c.name ?? `source-${i + 1}`,
      disabled: c.disabled === true,
      keyDigest: digest,
    };
  });
}

// Go's base64.StdEncoding: padding required, \r and \n ignored, nothing else tolerated.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The write key from an Authorization header, following Go's `Request.BasicAuth`:
 * case-insensitive `Basic ` prefix, strict base64, a `:` must be present; the password is ignored.
 */
export function writeKeyFromHeader(header: string | undefined): Buffer | undefined {
  if (!header || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = header.slice(6).replace(/[\r\n]/g, '');
  if (!STRICT_BASE64.test(b64)) return undefined;
  const decoded = Buffer.from(b64, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon <= 0) return undefined;
  return decoded.subarray(0, colon);
}

export class SourceRegistry {
  constructor(private readonly sources: readonly Source[]) {}

  /** Checks the header before any body byte is read, like the gateway's writeKeyAuth middleware. */
  authenticate(header: string | undefined): AuthResult {
    const key = writeKeyFromHeader(header);
    if (!key) return { ok: false, message: Messages.noWriteKey };
    return this.authenticateKey(key);
  }

  /** Finds the source of a write key already taken from a header or a query string. */
  authenticateKey(key: Buffer | string): AuthResult {
    const found = this.find(key);
    if (!found) return { ok: false, message: Messages.invalidWriteKey };
    if (found.disabled) return { ok: false, message: Messages.sourceDisabled };
    return { ok: true, source: found };
  }

  /** The source a key names, disabled or not (the control plane describes disabled sources too). */
  find(key: Buffer | string): Source | undefined {
    const digest = sha256(key);
    let found: Source | undefined;
    // Visit every source and compare fixed-length digests so timing reveals neither key nor position.
    for (const s of this.sources) {
      if (timingSafeEqual(digest, s.keyDigest) && !found) found = s;
    }
    return found;
  }
}
