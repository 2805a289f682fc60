import { METADATA_FIELDS, type TransformKind } from './hosted.js';
import { fromJsonChunks } from './json-chunks.js';
import type { CallInput } from './results.js';
import type { EventMetadata, RudderMessage, TransformedEvent } from './types.js';

/**
 * The handler-level list as the sandbox answers it (`encode` in sandbox-bootstrap.ts): each entry's value
 * (an output event, or an error text), the index of the event whose metadata it carries (-1: none), and
 * the positions of the error entries, ascending.
 */
export interface SandboxAnswer {
  values: unknown[];
  sources: number[];
  errors: number[];
}

/** The answer's lines: the values as JSON array chunks, then one text with the sources and errors. */
export function readAnswer(lines: readonly string[]): SandboxAnswer {
  if (lines.length === 0) throw new TypeError('the sandbox answer has no entry list');
  const values = fromJsonChunks(lines.slice(0, -1));
  const { sources, errors } = JSON.parse(lines[lines.length - 1]) as Partial<SandboxAnswer>;
  if (!Array.isArray(sources) || !Array.isArray(errors) || sources.length !== values.length) {
    throw new TypeError('the sandbox answer does not list a source for each entry');
  }
  return { values, sources, errors };
}

/**
 * The metadata as it reads after a trip through JSON, the way it reaches the hosted transformer: keys
 * whose value JSON leaves out are left out, non-finite numbers are null, nested values are JSON copies.
 * Only the given fields when `fields` is set (metadata(output) of transformBatch).
 */
export function jsonCopyOf(metadata: EventMetadata, fields?: readonly string[]): EventMetadata {
  const copy: EventMetadata = {};
  for (const key of fields ?? Object.keys(metadata)) {
    const value = metadata[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (typeof value === 'object' && value !== null) copy[key] = JSON.parse(JSON.stringify(value)) as unknown;
    else copy[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return copy;
}

/**
 * The handler-level list with each entry's metadata attached from the runner's own inputs, as the
 * sandbox would have returned it: transformEvent entries carry their event's full metadata,
 * transformBatch outputs `metadata(output)` (the hosted fields of the event with the output's
 * messageId), entries with no source `{}`. Entries of the same event share one copy.
 */
export function attachMetadata(answer: SandboxAnswer, inputs: CallInput[], kind: TransformKind): TransformedEvent[] {
  const fields = kind === 'transformBatch' ? METADATA_FIELDS : undefined;
  const copies: (EventMetadata | undefined)[] = [];
  const metadataOf = (source: number): EventMetadata => {
    if (!(source >= 0 && source < inputs.length)) return {};
    return (copies[source] ??= jsonCopyOf(inputs[source].metadata, fields));
  };
  const { values, sources, errors } = answer;
  const entries: TransformedEvent[] = new Array<TransformedEvent>(values.length);
  let nextError = 0;
  for (let i = 0; i < values.length; i += 1) {
    const metadata = metadataOf(sources[i]);
    if (errors[nextError] === i) {
      nextError += 1;
      entries[i] = { error: values[i] as string, metadata };
    } else entries[i] = { transformedEvent: values[i] as RudderMessage, metadata };
  }
  return entries;
}
