/**
 * Response texts of rudder-server's gateway (gateway/response/response.go, v1.46+ lowercase).
 * SDKs must only look at the status code, but we match the bodies byte for byte so that
 * anything tested against this server behaves the same against the real one.
 */
export const Messages = {
  /** The body of a successful response. */
  ok: 'ok',
  /** No write key could be read from the request header. */
  noWriteKey: 'failed to read writekey from header',
  /** No write key in the query parameters. */
  noWriteKeyInQuery: 'failed to read writekey from query params',
  /** The write key matches no source. */
  invalidWriteKey: 'invalid write key',
  /** The write key's source is disabled. */
  sourceDisabled: 'source is disabled',
  /** The request body could not be read. */
  bodyReadFailed: 'failed to read body from request',
  /** The request body is over the size limit. */
  tooLarge: 'request size exceeds max limit',
  /** The request body is not valid JSON. */
  invalidJson: 'invalid json',
  /** The payload is not a RudderStack event. */
  notRudderEvent: 'event is not a valid rudder event',
  /** A batch request with no events. */
  emptyBatch: 'empty batch payload',
  /** An event with neither `anonymousId` nor `userId`. */
  nonIdentifiable: 'request neither has anonymousId nor userId',
} as const;

export type Message = (typeof Messages)[keyof typeof Messages];

export const StatusOf: Record<Message, number> = {
  [Messages.ok]: 200,
  [Messages.noWriteKey]: 401,
  [Messages.noWriteKeyInQuery]: 401,
  [Messages.invalidWriteKey]: 401,
  [Messages.sourceDisabled]: 404,
  [Messages.bodyReadFailed]: 500,
  [Messages.tooLarge]: 413,
  [Messages.invalidJson]: 400,
  [Messages.notRudderEvent]: 400,
  [Messages.emptyBatch]: 400,
  [Messages.nonIdentifiable]: 400,
};

/** The gateway's Gateway.maxReqSizeInKB default: 4000 KB of the decompressed body. */
export const DEFAULT_MAX_REQUEST_BYTES = 4_096_000;
