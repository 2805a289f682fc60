/**
 * Every byte the CLI prints goes through here, so a write key can never reach a terminal or a log:
 * any registered secret is replaced by its masked form before the write. The SDK and the data plane
 * already keep keys out of their messages; this is the last line of defence for what we compose.
 */

// The SDK's own rule (it masks an echoed key in a data plane's answer the same way).
import { maskKey, redactor } from 'rudderanalytics/internal';

export { maskKey };

const secrets = new Set<string>();
let redactSecrets: (text: string) => string = (text) => text;

/** Registers a value that must never be printed. Very short values are ignored (they would mangle output). */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  redactSecrets = redactor(secrets);
}

/** `text` with every registered secret masked, in any letter case, percent-encoded or base64'd for Basic auth. */
export function redact(text: string): string {
  return redactSecrets(text);
}

export interface Writer {
  write(text: string): boolean;
  readonly isTTY: boolean;
  readonly columns: number;
}

function writer(stream: NodeJS.WriteStream): Writer {
  return {
    write: (text) => stream.write(redact(text)),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns || 80;
    },
  };
}

export const stdout = writer(process.stdout);
export const stderr = writer(process.stderr);

/** Waits until stdout has taken everything written so far (a pipe may be slower than us). */
export function drained(stream: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => stream.once('drain', resolve));
}
