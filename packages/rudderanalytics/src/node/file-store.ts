/**
 * A crash-safe journal on local disk: every accepted event is written to an append-only segment file
 * before the call returns, acknowledged once its delivery ends, and replayed on the next start if the
 * process died first. Events that can never be delivered go to a dead-letter JSONL file.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type DeliveryError, type DroppedError } from '../errors.js';
import type { Journal, ReplayIntake } from '../journal.js';
import type { QueuedEvent } from '../encode.js';
import { deadLetter, deadLetterCause } from '../dead-letter-record.js';
import { LogLimit } from '../log-limit.js';
import { DirectoryLock } from './lock.js';
import { SegmentLog, type FsyncPolicy, type RecordLocation } from './segment-log.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Directory of the store (created if missing). One process at a time: a second opener gets a StoreLockedError. */
  dir: string;
  /**
   * Power-loss policy. Every event reaches the OS (write(2)) before the call returns whatever the policy,
   * which survives a killed process. `'batch'` (default): an fdatasync in the background covers every event
   * appended before it started (group commit); `'always'`: one fdatasync per event, before the call returns;
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
 * A crash-safe journal in append-only files, for the `storage` option: an accepted event reaches the
 * OS before the call returns and is sent again after a restart until it is delivered or dead-lettered.
 * One process per directory.
 */
export class FileStore implements Journal {
  /** Absolute path of the dead-letter file. */
  readonly deadLetterPath: string;
  private readonly locations = new WeakMap<QueuedEvent, RecordLocation>();
  /** Found unacknowledged on open, until handed to the client by `replay()`. */
  private found: QueuedEvent[] = [];
  private readonly log: SegmentLog;
  private readonly lock: DirectoryLock;
  private readonly fsync: FsyncPolicy;
  private readonly warn: (message: string) => void;
  private readonly counters: FileStoreStats = { replayed: 0, deadLettered: 0, notDurable: 0 };
  private deadLetterFd: number | undefined;
  private readonly writeWarning = new LogLimit();
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
        this.found.push(event);
      }
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.counters.replayed = this.found.length;
  }

  /** Counters since this store was opened. */
  stats(): FileStoreStats {
    return { ...this.counters };
  }

  /** Hands what the last run left undelivered to the client, in its original order. */
  replay(intake: ReplayIntake): Promise<void> {
    const found = this.found;
    this.found = [];
    intake.push(found);
    return Promise.resolve();
  }

  append(events: readonly QueuedEvent[]): void {
    for (const event of events) {
      try {
        this.locations.set(event, this.log.append(event.json, event.bytes));
      } catch (error) {
        // Still delivered from memory; only its survival of a crash is lost. Never thrown into the caller's code.
        this.counters.notDurable++;
        if (this.writeWarning.allow()) {
          this.warn(`could not write an event to disk (${String(error)}); it is kept in memory only`);
        }
      }
    }
  }

  settle(events: readonly QueuedEvent[], failure?: DeliveryError | DroppedError): void {
    if (this.closed) return;
    // Unwritten dead letters stay unacknowledged: replayed (and failed again) after a restart, not lost.
    if (failure && !this.writeDeadLetters(events, failure)) return;
    const done: RecordLocation[] = [];
    for (const event of events) {
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

  /** Settles once the events appended so far are on stable storage (per the fsync policy). */
  flush(): Promise<void> {
    return this.log.sync();
  }

  /** Releases the lock and the files. Unacknowledged events stay on disk for the next start. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
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

  private writeDeadLetters(events: readonly QueuedEvent[], failure: DeliveryError | DroppedError): boolean {
    const failedAt = new Date().toISOString();
    const cause = deadLetterCause(failure);
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
