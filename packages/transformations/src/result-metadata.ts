import { METADATA_FIELDS, type TransformKind } from './hosted.js';
import type { CallInput } from './results.js';
import type { EventMetadata, RudderMessage, TransformedEvent } from './types.js';

/** A handler-level entry as the sandbox returns it: `source` names the event whose metadata it carries (-1: none). */
export type SourcedEntry = ({ transformedEvent: RudderMessage } | { error: string }) & { source: number };

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
export function attachMetadata(entries: SourcedEntry[], inputs: CallInput[], kind: TransformKind): TransformedEvent[] {
  const fields = kind === 'transformBatch' ? METADATA_FIELDS : undefined;
  const copies: (EventMetadata | undefined)[] = [];
  const metadataOf = (source: number): EventMetadata => {
    if (!(source >= 0 && source < inputs.length)) return {};
    return (copies[source] ??= jsonCopyOf(inputs[source].metadata, fields));
  };
  return entries.map((entry) =>
    'error' in entry
      ? { error: entry.error, metadata: metadataOf(entry.source) }
      : { transformedEvent: entry.transformedEvent, metadata: metadataOf(entry.source) },
  );
}
