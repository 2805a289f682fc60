import type { EventMetadata, RudderMessage, RunOptions } from './types.js';
import { jsonChunks } from './json-chunks.js';
import type { CallInput } from './results.js';

/**
 * Pairs each event with its metadata as rudder-server's processor fills it for the transformer: the
 * caller's fields, then the event's own messageId, event name and type (and receivedAt when the
 * caller gave none), so metadata(event) answers for every event.
 */
export function toCallInputs(events: RudderMessage[], metadata?: EventMetadata | EventMetadata[]): CallInput[] {
  return events.map((message, i) => {
    const given = (Array.isArray(metadata) ? metadata[i] : metadata) ?? {};
    return {
      message,
      metadata: {
        ...given,
        messageId: given.messageId ?? message.messageId,
        eventName: given.eventName ?? message.event,
        eventType: given.eventType ?? message.type,
        receivedAt: given.receivedAt ?? message.receivedAt,
      },
    };
  });
}

/**
 * The call's entries as the sandbox takes them, as JSON array texts (jsonChunks). When every entry's
 * metadata is the call's one `metadata` filled from its event (toCallInputs), the chunks hold the
 * events alone and the metadata goes once, in `sharedMetadata`; the sandbox fills it in by the same rule.
 */
export function inputChunks(options: RunOptions, inputs: CallInput[]): { chunks: string[]; sharedMetadata?: string } {
  if (options.inputs || Array.isArray(options.metadata)) return { chunks: jsonChunks(inputs, JSON.stringify) };
  return {
    chunks: jsonChunks(
      inputs.map((input) => input.message),
      JSON.stringify,
    ),
    sharedMetadata: JSON.stringify(options.metadata ?? {}),
  };
}
