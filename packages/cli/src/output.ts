/**
 * Every byte the CLI prints goes through here, so a write key can never reach a terminal or a log:
 * any registered secret is replaced by its masked form before the write. The SDK and the data plane
 * already keep keys out of their messages; this is the last line of defence for what we compose.
 */

const secrets = new Set<string>();

/** Shows only the last 4 characters (`…3a9c`); keys too short to keep anything hidden show as `…`. */
export function maskKey(key: string): string {
  return key.length >= 12 ? `…${key.slice(-4)}` : '…';
}

/** Registers a value that must never be printed. Very short values are ignored (they would mangle output). */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  for (const secret of secrets) {
    if (text.includes(secret)) text = text.split(secret).join(maskKey(secret));
  }
  return text;
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
