/**
 * `--failed-out FILE`: one JSON line per event that was not delivered, in the shape `rudder send`
 * reads back (`{"line":12,"reason":"…","event":{…}}`), so the file can be fixed and replayed.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { UsageError } from '../errors.js';

export interface FailedEntry {
  line: number;
  item?: number;
  file?: string;
  reason: string;
  /** Set for events not settled when the run was interrupted: `unknown` (in a request with no answer) or `no`. */
  delivery?: 'unknown' | 'no';
  event?: unknown;
  raw?: string;
}

export class FailedOut {
  private readonly stream: WriteStream;
  private error: Error | undefined;
  count = 0;

  /** Opens (truncates) the file now, so a bad path is a usage error before anything is sent. */
  constructor(readonly path: string) {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw new UsageError(`--failed-out: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'send');
    }
    this.stream = createWriteStream('', { fd });
    this.stream.on('error', (error) => {
      this.error = error;
    });
  }

  write(entry: FailedEntry): void {
    this.count++;
    this.stream.write(`${JSON.stringify(entry)}\n`);
  }

  /** True while the file is behind: the reader waits on `drained()` before reading on. */
  get behind(): boolean {
    return this.stream.writableNeedDrain;
  }

  drained(): Promise<void> {
    return this.behind ? new Promise((resolve) => this.stream.once('drain', resolve)) : Promise.resolve();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.error) throw new Error(`--failed-out: writing ${this.path} failed: ${this.error.message}`);
  }
}
