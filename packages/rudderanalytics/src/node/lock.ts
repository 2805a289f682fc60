/**
 * One process per store directory: a lock file created with O_EXCL holding the owner's pid (and, on
 * Linux, its start time, so a recycled pid is not taken for the owner). A lock whose owner is gone is
 * stale and taken over; a live owner makes the second opener fail with a StoreLockedError.
 */
import { closeSync, openSync, readFileSync, realpathSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RudderError } from '../errors.js';

/** A second store opened a directory another live store (this process or another) holds. */
export class StoreLockedError extends RudderError {
  /** The pid written in the lock file. */
  readonly pid: number | undefined;
  /** The store directory that is locked. */
  readonly dir: string;
  constructor(dir: string, pid: number | undefined, lockPath: string) {
    super(
      'store_locked',
      `the event store directory ${dir} is in use by ${pid === undefined ? 'another process' : `process ${pid}`}` +
        ` (lock file ${lockPath}): give each process its own directory; if no process uses it, delete the lock file`,
    );
    this.pid = pid;
    this.dir = dir;
  }
}

/** Directories held by stores of this process: a lock naming our own pid is ours only if listed here. */
const heldHere = new Set<string>();
/** A lock file still empty this long after creation was abandoned between create and write. */
const EMPTY_LOCK_GRACE_MS = 5_000;

export class DirectoryLock {
  private released = false;

  private constructor(
    private readonly key: string,
    readonly path: string,
  ) {}

  static acquire(dir: string): DirectoryLock {
    const key = realpathSync(dir);
    const path = join(dir, 'lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      if (heldHere.has(key)) throw new StoreLockedError(dir, process.pid, path);
      try {
        const fd = openSync(path, 'wx');
        try {
          writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}\n`);
        } finally {
          closeSync(fd);
        }
        heldHere.add(key);
        return new DirectoryLock(key, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(path);
      if (owner === 'gone') continue;
      if (owner === 'being-written' || isAlive(owner.pid, owner.start)) {
        throw new StoreLockedError(dir, owner === 'being-written' ? undefined : owner.pid, path);
      }
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new StoreLockedError(dir, undefined, path);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.key);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing left to release.
    }
  }
}

type Owner = { pid: number; start: string | undefined } | 'gone' | 'being-written' | { pid: -1; start: undefined };

function readOwner(path: string): Owner {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(path, 'utf8');
    mtimeMs = statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const match = /^(\d+) ?(\d*)\n?$/.exec(text);
  if (!match) {
    if (text === '' && Date.now() - mtimeMs < EMPTY_LOCK_GRACE_MS) return 'being-written';
    return { pid: -1, start: undefined }; // unreadable and old: stale
  }
  return { pid: Number(match[1]), start: match[2] || undefined };
}

function isAlive(pid: number, start: string | undefined): boolean {
  if (pid <= 0) return false;
  // Our own pid but no store of ours holds it: left by an earlier run that had the same pid (containers).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return start === undefined || now === undefined || now === start;
}

/** The process's start time in clock ticks since boot (Linux /proc), or undefined elsewhere. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
