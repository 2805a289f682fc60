/** The inputs of `rudder send`: files in order, `-` for stdin; their total size when it is known. */
import { createReadStream, fstatSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

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
      let size: number | undefined;
      try {
        const st = fstatSync(0);
        if (st.isFile()) size = st.size;
      } catch {
        size = undefined;
      }
      return { name, size, open: () => process.stdin };
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

export function totalSize(inputs: Input[]): number | undefined {
  let total = 0;
  for (const input of inputs) {
    if (input.size === undefined) return undefined;
    total += input.size;
  }
  return total;
}
