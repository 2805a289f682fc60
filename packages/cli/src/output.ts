/**
 * Every byte the CLI prints goes through here, so a write key can never reach a terminal or a log:
 * any secret the run registered is replaced by its masked form before the write. The SDK and the data
 * plane already keep keys out of their messages; this is the last line of defence for what we compose.
 */
import { maskKey } from 'rudderanalytics/internal';
import { currentRun, type OutStream, type RunContext } from './io.js';

export { maskKey };

/** Registers a value this run must never print. Very short values are ignored (they would mangle output). */
export function addSecret(value: string | undefined): void {
  currentRun().secrets.add(value);
}

/** `text` with every secret of this run masked, in any letter case, percent-encoded or base64'd for Basic auth. */
export function redact(text: string): string {
  return currentRun().secrets.redact(text);
}

export interface Writer {
  write(text: string): boolean;
  readonly isTTY: boolean;
  readonly columns: number;
}

// The stream is looked up at each write: the writers are shared by every run, their streams are not.
function writer(pick: (run: RunContext) => OutStream): Writer {
  return {
    write: (text) => {
      const run = currentRun();
      return pick(run).write(run.secrets.redact(text));
    },
    get isTTY() {
      return pick(currentRun()).isTTY === true;
    },
    get columns() {
      return pick(currentRun()).columns || 80;
    },
  };
}

export const stdout = writer((run) => run.stdout);
export const stderr = writer((run) => run.stderr);

/** Waits until stdout has taken everything written so far (a pipe may be slower than us). */
export function drained(stream: OutStream = currentRun().stdout): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => stream.once('drain', resolve));
}
