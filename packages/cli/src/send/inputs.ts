/** The inputs of `rudder send`: files in order, `-` for stdin; their total size when it is known. */
import { createReadStream, fstatSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { currentRun, type InStream } from '../io.js';

export interface Input {
  /** As given; `-` is stdin. */
  name: string;
  /** Bytes, when the input is a regular file (stdin redirected from a file counts). */
  size: number | undefined;
  open(): AsyncIterable<Buffer>;
}

const CHUNK_BYTES = 256 * 1024;

export function resolveInputs(names: string[]): Input[] {
  const list = names.length === 0 ? ['-'] : names;
  if (list.filter((n) => n === '-').length > 1) throw new UsageError("stdin ('-') can be read only once", 'send');
  return list.map((name) => {
    if (name === '-') {
      const stdin = currentRun().stdin;
      return { name, size: fileSize(stdin), open: () => stdin };
    }
    let st;
    try {
      st = statSync(name);
    } catch (error) {
      throw new UsageError(
        `cannot read ${name}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
        'send',
      );
    }
    if (st.isDirectory()) throw new UsageError(`cannot read ${name}: it is a directory`, 'send');
    return { name, size: st.isFile() ? st.size : undefined, open: () => createReadStream(name, { highWaterMark: CHUNK_BYTES }) };
  });
}

/** The size of the file stdin is redirected from; undefined for a pipe, a terminal or a stream with no descriptor. */
function fileSize(stdin: InStream): number | undefined {
  if (typeof stdin.fd !== 'number') return undefined;
  try {
    const st = fstatSync(stdin.fd);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export function totalSize(inputs: Input[]): number | undefined {
  let total = 0;
  for (const input of inputs) {
    if (input.size === undefined) return undefined;
    total += input.size;
  }
  return total;
}
