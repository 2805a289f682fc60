/**
 * A crash-safe event store on local disk: every accepted event is written to an append-only segment
 * file before `push()` returns, acknowledged once its delivery ends, and replayed on the next start
 * if the process died first. Events that can never be delivered go to a dead-letter JSONL file.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type DeliveryError } from '../errors.js';
import { MemoryQueue, type EventQueue, type QueuedEvent } from '../queue.js';
import { deadLetter, type DeadLetterCause } from './dead-letter.js';
import { DirectoryLock } from './lock.js';
import { SegmentLog, type FsyncPolicy, type RecordLocation } from './segment-log.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Directory of the store (created if missing). One process at a time: a second opener gets a StoreLockedError. */
  dir: string;
  /**
   * Power-loss policy. Every event reaches the OS (write(2)) before `push()` returns whatever the policy,
   * which survives a killed process. `'batch'` (default): an fdatasync in the background covers every event
   * appended before it started (group commit); `'always'`: one fdatasync per event, before `push()` returns;
   * `'never'`: left to the OS.
   */
  fsync?: FsyncPolicy;
  /** A segment file is sealed past this size and deleted once all its events are acknowledged. Default 8 MiB. */
  segmentBytes?: number;
  /** Where undeliverable events go, as JSON Lines. Default `<dir>/dead-letter.jsonl`. */
  deadLetterPath?: string;
  /** Receives warnings (disk errors, unreadable records). Default: `console.warn`. */
  logger?: {
    /** One warning, one line. */
    warn?(message: string): void;
  };
}

/** What the store holds and has done since it was opened. */
export interface FileStoreStats {
  /** Events found unacknowledged on open and queued again. */
  replayed: number;
  /** Events written to the dead-letter file. */
  deadLettered: number;
  /** Events kept in memory only because writing them failed (disk full, I/O error). */
  notDurable: number;
}

const FSYNC_POLICIES: readonly FsyncPolicy[] = ['never', 'batch', 'always'];

/**
 * A crash-safe event store in append-only files, for the `storage` option: an accepted event reaches the
 * OS before the call returns and is sent again after a restart until it is delivered or dead-lettered.
 * One process per directory.
 */
export class FileStore implements EventQueue {
  readonly durable = true;
  /** Absolute path of the dead-letter file. */
  readonly deadLetterPath: string;
  private readonly waiting = new MemoryQueue();
  private readonly locations = new WeakMap<QueuedEvent, RecordLocation>();
  /** Events replayed on open whose delivery has not ended: `flush()` waits for them too. */
  private readonly replayed = new WeakSet<QueuedEvent>();
  private replayPending = 0;
  private replayWaiters: (() => void)[] = [];
  private readonly log: SegmentLog;
  private readonly lock: DirectoryLock;
  private readonly fsync: FsyncPolicy;
  private readonly warn: (message: string) => void;
  private readonly counters: FileStoreStats = { replayed: 0, deadLettered: 0, notDurable: 0 };
  private deadLetterFd: number | undefined;
  private lastWriteWarning = 0;
  private closed = false;

  constructor(options: FileStoreOptions) {
    if (!options || typeof options.dir !== 'string' || options.dir === '') throw new ConfigError('FileStore: dir must be a non-empty string');
    this.fsync = options.fsync ?? 'batch';
    if (!FSYNC_POLICIES.includes(this.fsync)) throw new ConfigError(`FileStore: fsync must be 'never', 'batch' or 'always'`);
    const segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    if (!Number.isInteger(segmentBytes) || segmentBytes < 1) throw new ConfigError('FileStore: segmentBytes must be a positive integer');
    const logger = options.logger ?? { warn: (message: string) => console.warn(`[rudderanalytics] ${message}`) };
    this.warn = (message) => logger.warn?.(`FileStore: ${message}`);
    const dir = resolve(options.dir);
    this.deadLetterPath = resolve(options.deadLetterPath ?? join(dir, 'dead-letter.jsonl'));
    mkdirSync(dir, { recursive: true });
    this.lock = DirectoryLock.acquire(dir);
    this.log = new SegmentLog(dir, this.fsync, segmentBytes, this.warn);
    try {
      for (const record of this.log.open()) {
        const event: QueuedEvent = { messageId: record.messageId, json: record.json, bytes: record.bytes, seq: 0 };
        this.locations.set(event, record);
        this.replayed.add(event);
        this.waiting.push(event);
      }
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.counters.replayed = this.replayPending = this.waiting.length;
  }

  get length(): number {
    return this.waiting.length;
  }

  get bytes(): number {
    return this.waiting.bytes;
  }

  /** Counters since this store was opened. */
  stats(): FileStoreStats {
    return { ...this.counters };
  }

  push(event: QueuedEvent): void {
    try {
      this.locations.set(event, this.log.append(event.json, event.bytes));
    } catch (error) {
      // Still delivered from memory; only its survival of a crash is lost. Never thrown into the caller's code.
      this.counters.notDurable++;
      if (Date.now() - this.lastWriteWarning > 10_000) {
        this.lastWriteWarning = Date.now();
        this.warn(`could not write an event to disk (${String(error)}); it is kept in memory only`);
      }
    }
    this.waiting.push(event);
  }

  peek(): QueuedEvent | undefined {
    return this.waiting.peek();
  }

  /** Only `overflow: 'drop-oldest'` removes events this way: the dropped event becomes a dead letter. */
  shift(): QueuedEvent | undefined {
    const event = this.waiting.shift();
    if (event) this.finish([event], { reason: 'queue_full' });
    return event;
  }

  take(maxEvents: number, maxBytes: number): QueuedEvent[] {
    return this.waiting.take(maxEvents, maxBytes);
  }

  release(events: readonly QueuedEvent[], failure?: DeliveryError): void {
    this.finish(events, failure);
  }

  attach(wake: () => void): void {
    // Deferred: the dispatcher calling attach() is still being constructed.
    if (this.waiting.length > 0) queueMicrotask(wake);
  }

  /**
   * Settles once events replayed on open have been delivered or dead-lettered (so a short-lived process
   * that replays also finishes the job in `client.flush()`/`close()`), and appended events are fsynced.
   */
  flush(): Promise<void> {
    if (this.replayPending === 0 || this.closed) return this.log.sync();
    return new Promise<void>((resolve) => this.replayWaiters.push(resolve)).then(() => this.log.sync());
  }

  /** Releases the lock and the files. Unacknowledged events stay on disk for the next start. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const resolve of this.replayWaiters.splice(0)) resolve();
    try {
      this.log.close();
      if (this.deadLetterFd !== undefined) closeSync(this.deadLetterFd);
    } catch (error) {
      this.warn(`error while closing: ${String(error)}`);
    } finally {
      this.lock.release();
    }
    return Promise.resolve();
  }

  private finish(events: readonly QueuedEvent[], cause?: DeadLetterCause): void {
    if (this.closed) return;
    // Unwritten dead letters stay unacknowledged: replayed (and failed again) after a restart, not lost.
    if (cause && !this.writeDeadLetters(events, cause)) return;
    const done: RecordLocation[] = [];
    for (const event of events) {
      if (this.replayed.delete(event) && --this.replayPending === 0) {
        for (const resolve of this.replayWaiters.splice(0)) resolve();
      }
      const location = this.locations.get(event);
      if (!location) continue;
      this.locations.delete(event);
      done.push(location);
    }
    try {
      this.log.acknowledge(done);
    } catch (error) {
      this.warn(`could not record deliveries (they may be sent again after a restart): ${String(error)}`);
    }
  }

  private writeDeadLetters(events: readonly QueuedEvent[], cause: DeadLetterCause): boolean {
    const failedAt = new Date().toISOString();
    let text = '';
    for (const event of events) text += JSON.stringify(deadLetter(event.json, cause, failedAt)) + '\n';
    try {
      this.deadLetterFd ??= openSync(this.deadLetterPath, 'a');
      writeSync(this.deadLetterFd, text);
      // On disk before the events are acknowledged, so a power cut cannot lose both copies.
      if (this.fsync !== 'never') fdatasyncSync(this.deadLetterFd);
      this.counters.deadLettered += events.length;
      return true;
    } catch (error) {
      this.warn(`could not write ${events.length} dead letter(s) to ${this.deadLetterPath}: ${String(error)}`);
      return false;
    }
  }
}
