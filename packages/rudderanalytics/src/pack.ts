/**
 * A run of consecutive queued events packed into one string, as soon as they make a full batch.
 *
 * Why: a full batch may wait behind others (`maxInFlight`), and events waiting as a thousand separate
 * strings outlive a few young-generation collections, are copied by each, and end as old-space garbage
 * (that, not the bytes themselves, was most of the SDK's memory and its slowest calls). One string per
 * batch is allocated once, in large-object space, and freed whole.
 *
 * The text is the events' JSON separated by U+0000. JSON.stringify escapes every control character, so
 * the separator never occurs inside an event, and the request body is one `replaceAll` of `}` + separator
 * by `,"sentAt":"…"},` (`sentAt` is stamped at send time, not when the batch fills).
 * A pack can be viewed in parts (the 413 split, dropping the oldest events) without copying the text.
 */
import { BODY_CLOSE, BODY_OPEN, batchBytes } from './encode.js';
import type { QueuedEvent, Settle } from './queue.js';

const SEPARATOR = '\u0000';
const BOUNDARY = `}${SEPARATOR}`;

/** The parts of a pack shared by its views. */
interface Packed {
  readonly text: string;
  /** ends[i]: where event i's JSON ends in `text` (exclusive); event i + 1 starts one separator later. */
  readonly ends: Uint32Array;
  /** UTF-8 bytes of each event's JSON (EncodedEvent.bytes). */
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
    const parts = new Array<string>(count);
    const ids = new Array<string>(count);
    let done: Array<Settle | undefined> | undefined;
    let end = 0;
    let idEnd = 0;
    for (let i = 0; i < count; i++) {
      const event = events[i];
      parts[i] = event.json;
      ends[i] = end += event.json.length;
      end += SEPARATOR.length;
      sizes[i] = event.bytes;
      ids[i] = event.messageId;
      idEnds[i] = idEnd += event.messageId.length;
      if (event.done) (done ??= new Array<Settle | undefined>(count))[i] = event.done;
    }
    const packed: Packed = {
      text: parts.join(SEPARATOR),
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

  /** The request body for `POST /v1/batch`, every event stamped with the same `sentAt`. */
  body(sentAt: string): string {
    if (this.count === 0) return BODY_OPEN + BODY_CLOSE;
    const { text, ends } = this.packed;
    const start = this.from === 0 ? 0 : ends[this.from - 1] + 1;
    const tail = `,"sentAt":"${sentAt}"}`;
    // Without the last event's `}`: every other `}` + separator becomes the tail and a comma.
    return BODY_OPEN + text.slice(start, ends[this.to - 1] - 1).replaceAll(BOUNDARY, `${tail},`) + tail + BODY_CLOSE;
  }

  /** The first `count` events and the rest, as two packs sharing this one's text. */
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
