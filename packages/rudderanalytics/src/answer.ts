/**
 * How much of a response body the SDK reads: the status says what happened; the body only adds a short
 * error text (at most 300 characters of it reach a DeliveryError). A data plane, proxy or captive portal
 * that answers with a huge or endless body must not fill the host's memory, so both transports stop
 * reading at this many bytes and let the rest go (the connection is closed, not drained).
 */
export const ANSWER_BYTES = 16 * 1024;

/** Collects the first `limit` bytes of a body as UTF-8 text (a character cut at the limit is left out). */
export interface BodyText {
  /** Takes one chunk; false once the budget is spent and nothing more should be read. */
  add(chunk: Uint8Array): boolean;
  text(): string;
}

export function bodyText(limit = ANSWER_BYTES): BodyText {
  const decoder = new TextDecoder();
  let room = limit;
  let text = '';
  return {
    add(chunk) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      room -= part.length;
      text += decoder.decode(part, { stream: true });
      return room > 0;
    },
    text: () => text,
  };
}
