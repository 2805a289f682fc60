/**
 * Splits a byte stream into lines without ever holding more than one chunk plus one partial line:
 * the stream is pulled chunk by chunk (its async iterator), so a slow consumer slows the reads.
 */
import { StringDecoder } from 'node:string_decoder';

/** Stands in for a line longer than the cap; its text was discarded as it was read. */
export const TOO_LONG = null;
export type Line = string | typeof TOO_LONG;

/**
 * Yields the lines of each chunk (without `\n` or a trailing `\r`) as one array, so the consumer pays
 * one await per chunk rather than per line. `onBytes` is told how many bytes each chunk had.
 */
export async function* readLines(
  stream: AsyncIterable<Buffer | string>,
  maxLineChars: number,
  onBytes: (bytes: number) => void = () => {},
): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let overflow = false;
  for await (const chunk of stream) {
    onBytes(chunk.length);
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines: Line[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (overflow) {
        lines.push(TOO_LONG);
        overflow = false;
      } else {
        const line = partial + text.slice(start, nl);
        partial = '';
        if (line.length > maxLineChars) lines.push(TOO_LONG);
        else lines.push(stripCr(line));
      }
      start = nl + 1;
    }
    if (!overflow) {
      partial += text.slice(start);
      if (partial.length > maxLineChars) {
        overflow = true;
        partial = '';
      }
    }
    if (lines.length > 0) yield lines;
  }
  partial += decoder.end();
  if (overflow) yield [TOO_LONG];
  else if (partial !== '') yield [stripCr(partial)];
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
