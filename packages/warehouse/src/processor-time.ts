// What the hosted processor does to an event's time fields before any destination transformation,
// from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb, processor/processor.go
// (enhanceWithTimeFields, getTimestampFromEvent) and utils/misc/misc.go (GetChronologicalTimeStamp):
// originalTimestamp and sentAt default to the gateway's receivedAt when missing or unreadable; a missing
// timestamp becomes receivedAt − (sentAt − originalTimestamp) (the client's clock skew removed); all four
// are written back in UTC with milliseconds.
import { formatTimestamp, parseTimestamp } from './timestamp.js';
import type { JsonObject } from './values.js';

const parse = (v: unknown): number | undefined => (typeof v === 'string' ? parseTimestamp(v) : undefined);

/** The event as the processor hands it on, given when the gateway received it. */
export function withProcessorTimeFields(message: JsonObject, receivedAt: string): JsonObject {
  const received = parse(receivedAt);
  if (received === undefined) return message;
  const original = parse(message.originalTimestamp) ?? received;
  const sent = parse(message.sentAt) ?? received;
  const timestamp = parse(message.timestamp) ?? received - (sent - original);
  return {
    ...message,
    receivedAt: formatTimestamp(received),
    originalTimestamp: formatTimestamp(original),
    sentAt: formatTimestamp(sent),
    timestamp: formatTimestamp(timestamp),
  };
}
