import type { EventMetadata, RudderMessage } from './types.js';
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
