/**
 * A call's events (and results) cross the sandbox boundary as a few JSON array texts ("chunks") of
 * some tens of KB each, rather than one text for all or one per event: one text for all would be
 * a string past V8's regular object size (128 KB), which gets fresh pages of its own (and on a
 * virtual machine faulting those in costs more CPU than the JSON work); one per event pays each
 * JSON and buffer call a thousand times a call. The group size adapts to the values' size.
 *
 * Self-contained (no outer names, not even globals such as Math, which user code could replace): the
 * sandbox builds its own copy from this function's source, to run in its context with that realm's
 * JSON (see sandbox-bootstrap.ts).
 */
export function jsonChunks(values: readonly unknown[], stringify: (value: unknown) => string): string[] {
  const chunks: string[] = [];
  let size = 64;
  for (let start = 0; start < values.length; start += size) {
    const end = start + size < values.length ? start + size : values.length;
    const group: unknown[] = [];
    for (let i = start; i < end; i += 1) group[i - start] = values[i];
    const text = stringify(group);
    chunks[chunks.length] = text;
    if (text.length > 96 * 1024 && size > 1) size = (size + 1) >> 1;
    else if (text.length < 24 * 1024 && size < 4096) size *= 2;
  }
  return chunks;
}

/** The values of JSON array texts, in order (the runner's side of jsonChunks). */
export function fromJsonChunks(chunks: readonly string[]): unknown[] {
  const values: unknown[] = [];
  for (const chunk of chunks) {
    const group = JSON.parse(chunk) as unknown;
    if (!Array.isArray(group)) throw new TypeError('a result chunk is not a JSON array');
    for (const value of group) values.push(value);
  }
  return values;
}
