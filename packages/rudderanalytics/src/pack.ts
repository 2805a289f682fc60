/**
 * A run of consecutive queued events packed into one request body, as soon as they make a full batch.
 *
 * Why: a full batch may wait behind others (`maxInFlight`), and events waiting as a thousand separate
 * strings outlive a few young-generation collections, are copied by each, and end as old-space garbage
 * (that, not the bytes themselves, was most of the SDK's memory and its slowest calls). One buffer per
 * batch is allocated once, outside the JS heap, and freed whole.
 *
 * The buffer is the `{"batch":[…]}` body in UTF-8, written once, with a 24-byte slot for each event's
 * `sentAt`: stamping the send time into the slots is all that is left to do when the request leaves (and
 * again before a retry). compress.ts and the transport take the bytes as they are, so an event's JSON is
 * encoded to UTF-8 once in all. A pack can be viewed in parts (the 413 split, dropping the oldest
 * events); a part's body is its events' bytes copied out, already stamped.
 */
import { BODY_CLOSE, BODY_OPEN, batchBytes, type QueuedEvent, type Settle } from './encode.js';

const encoder = new TextEncoder();
const OPEN = encoder.encode(BODY_OPEN);
const CLOSE = encoder.encode(BODY_CLOSE);
const SENT_AT_KEY = encoder.encode(',"sentAt":"');
const SENT_AT_END = encoder.encode('"}');
const COMMA = 0x2c;
/** An ISO 8601 time with milliseconds (`Date#toISOString()`): 24 ASCII bytes. */
const STAMP_BYTES = 24;

/** The parts of a pack shared by its views. */
interface Packed {
  /** The whole body; event i's bytes end at ends[i] (after its `"}`), and a comma or `]}` follows. */
  readonly body: Uint8Array;
  readonly ends: Uint32Array;
  /** UTF-8 bytes of each event's JSON without `sentAt` (EncodedEvent.bytes). */
  readonly sizes: Uint32Array;
  /** Every messageId, back to back; idEnds[i] is where id i ends. Read only when someone asks for ids. */
  readonly ids: string;
  readonly idEnds: Uint32Array;
  /** `send()`'s settle callbacks by index, only when one of the events has one. */
  readonly done: ReadonlyArray<Settle | undefined> | undefined;
  /** The events themselves, kept only for a journal, which knows events by identity. */
  readonly events: readonly QueuedEvent[] | undefined;
  /** seq of event 0; 0 when the events were never queued (dropped at the call). */
  readonly firstSeq: number;
}

export class Pack {
  /** UTF-8 bytes of the events' JSON (without `sentAt`), as `batchBytes` counts them. */
  readonly bytes: number;

  private constructor(
    private readonly packed: Packed,
    private readonly from: number,
    private readonly to: number,
  ) {
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += packed.sizes[i];
    this.bytes = bytes;
  }

  /** Packs events (in queue order, consecutive seqs). `keepEvents`: a journal will need them back. */
  static of(events: readonly QueuedEvent[], keepEvents: boolean): Pack {
    const count = events.length;
    const ends = new Uint32Array(count);
    const sizes = new Uint32Array(count);
    const idEnds = new Uint32Array(count);
    const ids = new Array<string>(count);
    let done: Array<Settle | undefined> | undefined;
    let eventBytes = 0;
    for (const event of events) eventBytes += event.bytes;
    const body = new Uint8Array(batchBytes(count, eventBytes));
    body.set(OPEN);
    let at = OPEN.length;
    let idEnd = 0;
    for (let i = 0; i < count; i++) {
      const event = events[i];
      if (i > 0) body[at++] = COMMA;
      encoder.encodeInto(event.json, body.subarray(at, at + event.bytes));
      // The event's closing brace is overwritten: `,"sentAt":"<slot>"}` takes its place.
      at += event.bytes - 1;
      body.set(SENT_AT_KEY, at);
      at += SENT_AT_KEY.length + STAMP_BYTES;
      body.set(SENT_AT_END, at);
      ends[i] = at += SENT_AT_END.length;
      sizes[i] = event.bytes;
      ids[i] = event.messageId;
      idEnds[i] = idEnd += event.messageId.length;
      if (event.done) (done ??= new Array<Settle | undefined>(count))[i] = event.done;
    }
    body.set(CLOSE, at);
    const packed: Packed = {
      body,
      ends,
      sizes,
      ids: ids.join(''),
      idEnds,
      done,
      events: keepEvents ? events.slice() : undefined,
      firstSeq: count > 0 ? events[0].seq : 0,
    };
    return new Pack(packed, 0, count);
  }

  get count(): number {
    return this.to - this.from;
  }

  /** seq of the first event (0 when never queued); the others follow without gaps. */
  get firstSeq(): number {
    return this.packed.firstSeq === 0 ? 0 : this.packed.firstSeq + this.from;
  }

  /** Exact bytes of `body()`. */
  get bodyBytes(): number {
    return batchBytes(this.count, this.bytes);
  }

  /**
   * The request body for `POST /v1/batch` (UTF-8 JSON), every event stamped with `sentAt`. For a whole
   * pack it is the pack's own buffer, stamped again by the next call: use it before asking again.
   */
  body(sentAt: string): Uint8Array {
    const { body, ends } = this.packed;
    const stamp = encoder.encode(sentAt);
    if (stamp.length !== STAMP_BYTES) throw new RangeError(`sentAt must be ${STAMP_BYTES} bytes: ${sentAt}`);
    for (let i = this.from; i < this.to; i++) body.set(stamp, ends[i] - SENT_AT_END.length - STAMP_BYTES);
    if (this.from === 0 && this.to === ends.length) return body;
    const start = this.from === 0 ? OPEN.length : ends[this.from - 1] + 1;
    const events = this.count === 0 ? body.subarray(0, 0) : body.subarray(start, ends[this.to - 1]);
    const part = new Uint8Array(OPEN.length + events.length + CLOSE.length);
    part.set(OPEN);
    part.set(events, OPEN.length);
    part.set(CLOSE, OPEN.length + events.length);
    return part;
  }

  /** The first `count` events and the rest, as two packs sharing this one's buffer. */
  cut(count: number): [Pack, Pack] {
    const at = this.from + count;
    return [new Pack(this.packed, this.from, at), new Pack(this.packed, at, this.to)];
  }

  messageIds(): string[] {
    const { ids, idEnds } = this.packed;
    const out = new Array<string>(this.count);
    for (let i = this.from; i < this.to; i++) out[i - this.from] = ids.slice(i === 0 ? 0 : idEnds[i - 1], idEnds[i]);
    return out;
  }

  /** The events as queued, for the journal; undefined when packed without `keepEvents`. */
  events(): QueuedEvent[] | undefined {
    return this.packed.events?.slice(this.from, this.to);
  }

  /** Calls the `send()` callbacks of the events, if any. */
  settle(error?: Error): void {
    const done = this.packed.done;
    if (!done) return;
    for (let i = this.from; i < this.to; i++) done[i]?.(error);
  }
}
