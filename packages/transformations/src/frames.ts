import { Buffer } from 'node:buffer';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

/**
 * How the runner and its sandbox process pass a call's events and results. Each message is a frame:
 * a notice on their socket, `[u32 header bytes][u32 body bytes][header]`, the header one JSON text
 * (the call's settings, or the reply's status and logs); its body, lines of text (JSON array chunks
 * of events in, of results out: json-chunks.ts), is written at the start of a file both hold open (the
 * "body file"), which the
 * receiver reads once it has the notice. Calls alternate strictly (a call is sent only after the
 * previous reply arrived), so the two sides never use the file at the same time.
 *
 * Why not Node's IPC channel: it serializes a message again (a JSON text re-escaped inside JSON, or
 * copied through the V8 serializer) and joins a large message's chunks over and over. Why a file and
 * not the socket for the body: a socket moves a large body in many small reads, each a fresh buffer
 * and a wake-up of the reader; the file takes one copy each way, through a buffer kept between
 * frames. Why lines: each decodes to a string of its own, short of V8's regular object size (128 KB;
 * past it a string gets fresh pages, whose faults on a virtual machine cost more than the JSON work).
 */
export interface Frame {
  header: string;
  lines: string[];
}

const PREFIX_BYTES = 8;
const NEWLINE = 0x0a;
/** A body buffer up to this size is kept for the next frame, and the file keeps its pages; past it both are let go. */
const KEPT_BYTES = 8 * 1024 * 1024;

/**
 * A body file for one sandbox: created empty in a private directory (in memory, /dev/shm, where there
 * is one) and unlinked at once, so it lives exactly as long as the two processes hold it open.
 */
export function openBodyFile(): number {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'rudder-transformations-'));
  } catch {
    dir = mkdtempSync(join(tmpdir(), 'rudder-transformations-'));
  }
  const path = join(dir, 'frames');
  const fd = openSync(path, 'w+', 0o600);
  unlinkSync(path);
  rmSync(dir, { recursive: true, force: true });
  return fd;
}

export function closeBodyFile(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** One side of the channel: sends frames, and hands each received frame to `onFrame`. */
export class FrameChannel {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly notices: Pick<Writable, 'write'>,
    private readonly bodyFile: number,
    private readonly onFrame: (frame: Frame) => void,
  ) {}

  send(header: string, lines: readonly string[]): void {
    let bodyBytes = 0;
    for (const line of lines) bodyBytes += Buffer.byteLength(line, 'utf8') + 1;
    const body = this.room(bodyBytes);
    let offset = 0;
    for (const line of lines) {
      offset += body.write(line, offset, 'utf8');
      body[offset++] = NEWLINE;
    }
    for (let written = 0; written < bodyBytes;) written += writeSync(this.bodyFile, body, written, bodyBytes - written, written);
    const headerBytes = Buffer.byteLength(header, 'utf8');
    const notice = Buffer.allocUnsafe(PREFIX_BYTES + headerBytes);
    notice.writeUInt32BE(headerBytes, 0);
    notice.writeUInt32BE(bodyBytes, 4);
    notice.write(header, PREFIX_BYTES, 'utf8');
    this.notices.write(notice);
  }

  /** Bytes received on the socket: each complete notice is a frame whose body is in the file. */
  push(chunk: Buffer): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    while (this.heldBytes >= PREFIX_BYTES) {
      const start = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes);
      this.held = [start];
      const headerBytes = start.readUInt32BE(0);
      if (start.length < PREFIX_BYTES + headerBytes) return;
      const header = start.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerBytes);
      const bodyBytes = start.readUInt32BE(4);
      const rest = start.subarray(PREFIX_BYTES + headerBytes);
      this.held = rest.length > 0 ? [rest] : [];
      this.heldBytes = rest.length;
      this.onFrame({ header, lines: this.readBody(bodyBytes) });
    }
  }

  private readBody(bodyBytes: number): string[] {
    const body = this.room(bodyBytes);
    for (let read = 0; read < bodyBytes;) {
      const got = readSync(this.bodyFile, body, read, bodyBytes - read, read);
      if (got === 0) throw new Error(`frame body cut short: ${read} of ${bodyBytes} bytes`);
      read += got;
    }
    const lines: string[] = [];
    // A newline byte never occurs inside a UTF-8 sequence or a JSON text, so each line decodes alone.
    for (let from = 0; from < bodyBytes;) {
      const nl = body.indexOf(NEWLINE, from);
      if (nl === -1 || nl >= bodyBytes) throw new Error('frame body does not end with a newline');
      lines.push(body.toString('utf8', from, nl));
      from = nl + 1;
    }
    if (bodyBytes > KEPT_BYTES) ftruncateSync(this.bodyFile, 0);
    return lines;
  }

  /** The kept buffer when it is large enough (grown up to KEPT_BYTES), else one for this frame only. */
  private room(bytes: number): Buffer {
    if (bytes <= this.buffer.length) return this.buffer;
    const grown = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * this.buffer.length));
    if (grown.length <= KEPT_BYTES) this.buffer = grown;
    return grown;
  }
}
