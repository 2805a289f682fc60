import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';

/**
 * Frames between the runner and its sandbox process, over a socket of their own:
 * `[u32 header bytes][u32 body bytes][header][body]`, the header one JSON text (the call's settings,
 * or the reply's status and logs), the body one JSON text per line (an event in, a result out).
 *
 * Why not Node's IPC channel: it serializes the message again (a JSON text re-escaped inside JSON, or
 * copied through the V8 serializer) and joins a large message's chunks over and over. Why lines and
 * a reused buffer: a string or buffer past V8's regular object size (128 KB) is a fresh mapping of
 * its own, and on a virtual machine faulting those pages in costs more CPU than the JSON work; one
 * event's text is small, and the bytes go through one buffer that is kept between frames.
 */
export interface Frame {
  header: string;
  lines: string[];
}

const PREFIX_BYTES = 8;
const NEWLINE = 0x0a;
/** A frame buffer up to this size is kept for the next frame; a larger one is allocated for its frame only. */
const KEPT_BUFFER_BYTES = 8 * 1024 * 1024;

/** Writes frames to a socket through one buffer, reused once the socket has taken the previous frame. */
export class FrameWriter {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private inFlight = false;

  constructor(private readonly socket: Pick<Writable, 'write'>) {}

  send(header: string, lines: readonly string[]): void {
    const headerBytes = Buffer.byteLength(header, 'utf8');
    let bodyBytes = 0;
    for (const line of lines) bodyBytes += Buffer.byteLength(line, 'utf8') + 1;
    const total = PREFIX_BYTES + headerBytes + bodyBytes;
    let buffer = this.buffer;
    if (this.inFlight || buffer.length < total) {
      buffer = Buffer.allocUnsafeSlow(Math.max(total, this.inFlight ? 0 : 2 * buffer.length));
      if (!this.inFlight && buffer.length <= KEPT_BUFFER_BYTES) this.buffer = buffer;
    }
    buffer.writeUInt32BE(headerBytes, 0);
    buffer.writeUInt32BE(bodyBytes, 4);
    let offset = PREFIX_BYTES + buffer.write(header, PREFIX_BYTES, 'utf8');
    for (const line of lines) {
      offset += buffer.write(line, offset, 'utf8');
      buffer[offset++] = NEWLINE;
    }
    const kept = buffer === this.buffer;
    if (kept) this.inFlight = true;
    this.socket.write(buffer.subarray(0, total), () => {
      if (kept) this.inFlight = false;
    });
  }
}

/**
 * Reads frames from received chunks. Each line is decoded from the chunk it arrived in (a line split
 * over chunks is joined first); a newline byte never occurs inside a UTF-8 sequence or a JSON text.
 */
export class FrameReader {
  /** Bytes received but not decoded yet: the prefix and header, or the start of a line. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private header: string | undefined;
  private bodyLeft = 0;
  private lines: string[] = [];

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      offset = this.header === undefined ? this.readHeader(chunk, offset) : this.readBody(chunk, offset);
      if (this.header !== undefined && this.bodyLeft === 0) this.emit();
    }
  }

  private readHeader(chunk: Buffer, offset: number): number {
    this.held.push(offset === 0 ? chunk : chunk.subarray(offset));
    this.heldBytes += chunk.length - offset;
    if (this.heldBytes < PREFIX_BYTES) return chunk.length;
    const start = this.take();
    const headerBytes = start.readUInt32BE(0);
    if (start.length < PREFIX_BYTES + headerBytes) {
      this.held = [start];
      this.heldBytes = start.length;
      return chunk.length;
    }
    this.header = start.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerBytes);
    this.bodyLeft = start.readUInt32BE(4);
    // What follows the header in the held bytes is read again as body, from the current chunk.
    const rest = start.length - PREFIX_BYTES - headerBytes;
    return chunk.length - rest;
  }

  private readBody(chunk: Buffer, offset: number): number {
    const end = Math.min(chunk.length, offset + this.bodyLeft);
    let from = offset;
    for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1 && nl < end; nl = chunk.indexOf(NEWLINE, from)) {
      if (this.heldBytes > 0) {
        this.held.push(chunk.subarray(from, nl));
        this.heldBytes += nl - from;
        this.lines.push(this.take().toString('utf8'));
      } else {
        this.lines.push(chunk.toString('utf8', from, nl));
      }
      from = nl + 1;
    }
    if (from < end) {
      this.held.push(chunk.subarray(from, end));
      this.heldBytes += end - from;
    }
    this.bodyLeft -= end - offset;
    return end;
  }

  /** Joins and releases the held bytes. */
  private take(): Buffer {
    const joined = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    return joined;
  }

  private emit(): void {
    const frame = { header: this.header!, lines: this.lines };
    this.header = undefined;
    this.lines = [];
    this.onFrame(frame);
  }
}
