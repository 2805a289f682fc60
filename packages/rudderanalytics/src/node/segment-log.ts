/**
 * The on-disk log: append-only segment files of one JSON event per line (`seg-<n>.jsonl`), each with
 * an ack file (`seg-<n>.ack`) of `<first record> <count>` lines naming the records whose delivery ended.
 * A segment is deleted with its ack file once it is sealed and every record is acknowledged.
 *
 * Crash model: a record is in the OS when `append` returns (a write(2) per event), so a killed process
 * loses nothing; an fsync policy covers power loss. A torn trailing line (no newline) is skipped on
 * replay, and a new process never appends to an old segment, so a torn tail is never glued to a record.
 * Acks are not fsynced: an ack lost to a power cut only means a duplicate delivery, never a lost event.
 */
import { messageIdOf } from '../encode.js';
import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** When appended records are forced to stable storage (power loss); process crashes never lose a record. */
export type FsyncPolicy = 'never' | 'batch' | 'always';

export interface Segment {
  readonly id: number;
  /** Complete records written (or found on replay). */
  records: number;
  acked: number;
  bytes: number;
  sealed: boolean;
  fd: number | undefined;
  ackFd: number | undefined;
  /** 'batch': an fdatasync is running on `fd`; `fd` must stay open until it ends. */
  syncing: boolean;
  /** 'batch': records were appended since the running (or last) fdatasync started. */
  dirty: boolean;
}

/** Where a record lives. */
export interface RecordLocation {
  segment: Segment;
  index: number;
}

/** A record found unacknowledged on replay. */
export interface ReplayedRecord extends RecordLocation {
  messageId: string;
  json: string;
  bytes: number;
}

const SEGMENT = /^seg-(\d{12})\.jsonl$/;
const ACK = /^seg-(\d{12})\.ack$/;
const NEWLINE = 0x0a;

export class SegmentLog {
  private readonly segments = new Map<number, Segment>();
  private current!: Segment;
  private syncWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly fsync: FsyncPolicy,
    private readonly segmentBytes: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Reads what earlier runs left, deletes what is fully acknowledged, and opens a fresh segment. */
  open(): ReplayedRecord[] {
    const names = readdirSync(this.dir);
    const ids = names.flatMap((n) => (SEGMENT.test(n) ? [Number(SEGMENT.exec(n)![1])] : [])).sort((a, b) => a - b);
    const live = new Set(ids);
    for (const name of names) {
      const ack = ACK.exec(name);
      // An ack file whose segment is gone: the process died between the two unlinks.
      if (ack && !live.has(Number(ack[1]))) unlinkQuietly(join(this.dir, name));
    }
    const replay: ReplayedRecord[] = [];
    for (const id of ids) replay.push(...this.replaySegment(id));
    this.current = this.create((ids.at(-1) ?? 0) + 1);
    return replay;
  }

  /** Appends one record; it is in the OS (and on disk with `fsync: 'always'`) when this returns. */
  append(json: string, bytes: number): RecordLocation {
    const segment = this.current;
    const line = json + '\n';
    let written: number;
    try {
      // At an explicit offset: after a failed write the next record overwrites whatever part of it landed.
      written = writeSync(segment.fd!, line, segment.bytes);
    } catch (error) {
      this.cutTornTail(segment);
      throw error;
    }
    if (written !== bytes + 1) {
      this.cutTornTail(segment);
      throw new Error(`short write to the event store (${written} of ${bytes + 1} bytes): is the disk full?`);
    }
    const location = { segment, index: segment.records++ };
    segment.bytes += written;
    if (this.fsync === 'always') fdatasyncSync(segment.fd!);
    else if (this.fsync === 'batch') this.scheduleSync(segment);
    if (segment.bytes >= this.segmentBytes) this.rotate();
    return location;
  }

  /** Marks records acknowledged: one ack-file write per segment touched, then deletes finished segments. */
  acknowledge(locations: RecordLocation[]): void {
    if (locations.length === 0) return;
    let sorted = true;
    for (let i = 1; i < locations.length && sorted; i++) sorted = compare(locations[i - 1], locations[i]) < 0;
    if (!sorted) locations = [...locations].sort(compare);
    let i = 0;
    while (i < locations.length) {
      const segment = locations[i].segment;
      let text = '';
      while (i < locations.length && locations[i].segment === segment) {
        const first = locations[i].index;
        let count = 1;
        while (i + count < locations.length && locations[i + count].segment === segment && locations[i + count].index === first + count) count++;
        text += `${first} ${count}\n`;
        segment.acked += count;
        i += count;
      }
      if (this.segments.has(segment.id)) {
        segment.ackFd ??= openSync(this.path(segment.id, 'ack'), 'a');
        writeSync(segment.ackFd, text);
        if (segment.sealed && segment.acked >= segment.records) this.remove(segment);
      }
    }
  }

  /** Resolves once every record appended so far is on stable storage (per the fsync policy). */
  sync(): Promise<void> {
    if (this.fsync !== 'batch' || this.closed) return Promise.resolve();
    const segment = this.current;
    if (!segment.dirty && !segment.syncing) return Promise.resolve();
    return new Promise((resolve) => {
      this.syncWaiters.push(resolve);
      this.scheduleSync(segment);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const current = this.current;
    if (this.fsync !== 'never' && current.fd !== undefined && current.records > 0) fdatasyncSync(current.fd);
    current.sealed = true;
    if (!current.syncing) closeFd(current, 'fd');
    for (const segment of this.segments.values()) {
      closeFd(segment, 'ackFd');
      if (segment.acked >= segment.records) this.remove(segment);
    }
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private replaySegment(id: number): ReplayedRecord[] {
    const data = readFileSync(this.path(id, 'jsonl'));
    const ends: number[] = [];
    for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, at + 1)) ends.push(at);
    const segment = this.track(id, ends.length, data.length);
    const acked = new Uint8Array(ends.length);
    let ackText = '';
    try {
      ackText = readFileSync(this.path(id, 'ack'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of ackText.split('\n')) {
      const match = /^(\d+) (\d+)$/.exec(line); // a torn last ack line does not match: those records come again
      if (!match) continue;
      const end = Math.min(ends.length, Number(match[1]) + Number(match[2]));
      for (let k = Number(match[1]); k < end; k++) acked[k] = 1;
    }
    const replay: ReplayedRecord[] = [];
    const corrupt: RecordLocation[] = [];
    let start = 0;
    for (let index = 0; index < ends.length; index++) {
      const end = ends[index];
      if (acked[index]) segment.acked++;
      else {
        const json = data.toString('utf8', start, end);
        const messageId = messageIdOf(json);
        if (messageId === undefined) corrupt.push({ segment, index });
        else replay.push({ segment, index, messageId, json, bytes: end - start });
      }
      start = end + 1;
    }
    if (corrupt.length) {
      this.warn(`skipped ${corrupt.length} unreadable record(s) in ${this.path(id, 'jsonl')}`);
      this.acknowledge(corrupt);
    }
    if (segment.acked >= segment.records) this.remove(segment);
    return replay;
  }

  private track(id: number, records: number, bytes: number): Segment {
    const segment: Segment = { id, records, acked: 0, bytes, sealed: true, fd: undefined, ackFd: undefined, syncing: false, dirty: false };
    this.segments.set(id, segment);
    return segment;
  }

  private create(id: number): Segment {
    const segment = this.track(id, 0, 0);
    segment.sealed = false;
    segment.fd = openSync(this.path(id, 'jsonl'), 'wx');
    return segment;
  }

  private rotate(): void {
    const old = this.current;
    old.sealed = true;
    if (this.fsync !== 'never' && !old.syncing) fdatasyncSync(old.fd!);
    // With a sync still running on it, the fd closes when that sync ends (a reused fd number must never be synced).
    if (!old.syncing) closeFd(old, 'fd');
    this.current = this.create(old.id + 1);
    if (old.acked >= old.records) this.remove(old);
  }

  /** After a failed write (disk full): the partial line goes, so it is never glued to the next record. */
  private cutTornTail(segment: Segment): void {
    try {
      ftruncateSync(segment.fd!, segment.bytes);
    } catch {
      try {
        this.rotate();
      } catch (error) {
        this.warn(`could not open a new segment: ${String(error)}`);
      }
    }
  }

  /** Group commit: one fdatasync at a time per segment covers every record appended before it started. */
  private scheduleSync(segment: Segment): void {
    segment.dirty = true;
    if (segment.syncing) return;
    segment.syncing = true;
    segment.dirty = false;
    const waiters = this.syncWaiters.splice(0);
    fdatasync(segment.fd!, (error) => {
      segment.syncing = false;
      if (error) this.warn(`fdatasync failed: ${error.message}`);
      if (segment.sealed) {
        // Sealed while syncing: rotate() left the final sync and the close to us.
        if (segment.dirty) {
          try {
            fdatasyncSync(segment.fd!);
          } catch (e) {
            this.warn(`fdatasync failed: ${String(e)}`);
          }
        }
        closeFd(segment, 'fd');
        for (const resolve of waiters) resolve();
        // Waiters that came during this sync wait for the open segment's next sync, or for nothing if it has no records pending.
        if (!this.current.syncing && !this.current.dirty) for (const resolve of this.syncWaiters.splice(0)) resolve();
        return;
      }
      for (const resolve of waiters) resolve();
      if (segment.dirty && !this.closed) this.scheduleSync(segment);
    });
  }

  private remove(segment: Segment): void {
    if (!this.segments.delete(segment.id)) return;
    // Segment first: dying between the two leaves an orphan ack file (harmless), never unacked replays.
    unlinkQuietly(this.path(segment.id, 'jsonl'));
    closeFd(segment, 'ackFd');
    unlinkQuietly(this.path(segment.id, 'ack'));
    if (!segment.syncing) closeFd(segment, 'fd');
  }

  private path(id: number, ext: 'jsonl' | 'ack'): string {
    return join(this.dir, `seg-${String(id).padStart(12, '0')}.${ext}`);
  }
}

function compare(a: RecordLocation, b: RecordLocation): number {
  return a.segment.id - b.segment.id || a.index - b.index;
}

function closeFd(segment: Segment, which: 'fd' | 'ackFd'): void {
  const fd = segment[which];
  if (fd === undefined) return;
  segment[which] = undefined;
  try {
    closeSync(fd);
  } catch {
    // Closing is best effort: the data was written with write(2) already.
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
