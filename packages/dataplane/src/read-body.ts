import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { Messages, type Message } from './messages.js';

export type BodyResult = { ok: true; body: string } | { ok: false; message: Message } | { ok: false; aborted: true };

/**
 * After a 413 or a 401 we keep reading (and dropping) what the client is still uploading so it gets to see
 * the response instead of a reset; past this many extra bytes we give up and cut the connection.
 */
export const DRAIN_LIMIT = 16 * 1024 * 1024;

/** Reads and drops the rest of a request body, cutting the connection past {@link DRAIN_LIMIT} bytes. */
export function drainAndDiscard(req: IncomingMessage): void {
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > DRAIN_LIMIT) req.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

/**
 * Reads a request body as UTF-8 text (invalid bytes become U+FFFD, as Buffer#toString does), inflating it
 * when `Content-Encoding` is exactly `gzip` (the gateway's UncompressMiddleware test), and refuses with 413
 * as soon as the *decompressed* size passes `maxBytes`: neither a large upload nor a gzip bomb is ever held
 * or inflated in full.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const gzip = req.headersDistinct['content-encoding']?.[0] === 'gzip';
  return new Promise<BodyResult>((resolve) => {
    // Each chunk is decoded as it arrives (the decoder carries a character split between chunks), so no
    // whole-body buffer is ever allocated: one fewer ~0.5 MB buffer per batch for V8 to free late.
    const decoder = new StringDecoder('utf8');
    const parts: string[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const take = (c: Buffer): boolean => {
      size += c.length;
      if (size > maxBytes) return false;
      parts.push(decoder.write(c));
      return true;
    };
    const text = () => {
      parts.push(decoder.end());
      const body = parts.join('');
      // The request (and with it this closure) lives until the events are committed: let the pieces go now.
      parts.length = 0;
      return body;
    };
    req.on('aborted', () => finish({ ok: false, aborted: true }));
    req.on('error', () => finish({ ok: false, aborted: true }));

    if (!gzip) {
      req.on('data', (c: Buffer) => {
        if (done) return;
        if (!take(c)) {
          parts.length = 0;
          drainAndDiscard(req);
          finish({ ok: false, message: Messages.tooLarge });
        }
      });
      req.on('end', () => finish({ ok: true, body: text() }));
      return;
    }

    let compressed = 0;
    req.on('data', (c: Buffer) => {
      compressed += c.length;
    });
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    gunzip.on('data', (c: Buffer) => {
      if (done) return;
      if (!take(c)) {
        parts.length = 0;
        req.unpipe(gunzip);
        gunzip.destroy();
        drainAndDiscard(req);
        finish({ ok: false, message: Messages.tooLarge });
      }
    });
    gunzip.on('end', () => finish({ ok: true, body: text() }));
    gunzip.on('error', () => {
      // Read out the rest of the upload so the answer reaches the client and its connection stays usable.
      req.unpipe(gunzip);
      drainAndDiscard(req);
      // Go's lazy gzip reader turns an empty body into an empty payload (then `invalid json`).
      if (compressed === 0) finish({ ok: true, body: '' });
      else finish({ ok: false, message: Messages.bodyReadFailed });
    });
    req.pipe(gunzip);
  });
}
