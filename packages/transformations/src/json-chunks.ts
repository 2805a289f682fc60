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
  // A first group small enough for large values, then groups sized to about 48 K characters by the
  // characters per value seen so far.
  let size = 16;
  let seenValues = 0;
  let seenChars = 0;
  for (let start = 0; start < values.length;) {
    const end = start + size < values.length ? start + size : values.length;
    const group: unknown[] = [];
    for (let i = start; i < end; i += 1) group[i - start] = values[i];
    const text = stringify(group);
    chunks[chunks.length] = text;
    seenValues += end - start;
    start = end;
    seenChars += text.length;
    size = ((48 * 1024 * seenValues) / seenChars) | 0 || 1;
    if (size > 4096) size = 4096;
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
