// The columns RudderStack fills itself, per event type, and which user keys may not overwrite them.
// Rules from rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/internal/rules/rules.go:
// - every table: id (messageId), anonymous_id, user_id, sent_at, timestamp, received_at,
//   original_timestamp, channel, context_ip (context.ip, else request_ip), context_request_ip,
//   context_passed_ip;
// - tracks: event_text (event); per-event tables: id (recordId for cloud sources with a version);
// - users: the ip columns, sent_at, timestamp, original_timestamp; pages/screens: name (name, else
//   properties.name); aliases: previous_id; groups: group_id; extract: id (recordId), received_at, event.
// A user property whose safe column name is one of its event type's rule columns is dropped.
import { isEmptyValue, isObject, lookup, type JsonObject } from './values.js';

export interface RuleEvent {
  message: JsonObject;
  messageId: unknown;
  receivedAt: string;
  sourceCategory: string;
  recordId: unknown;
}

export type Rule = (e: RuleEvent) => unknown;
export type Rules = Readonly<Record<string, Rule>>;

export class RecordIdError extends Error {
  readonly statusCode = 400;
}

// Paths are split once, not per event.
const at = (message: JsonObject, path: readonly string[]): unknown => {
  let cur: unknown = message;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
};

const field = (path: string): Rule => {
  const parts = path.split('.');
  return (e) => at(e.message, parts);
};

const firstValid = (...paths: string[]): Rule => {
  const split = paths.map((p) => p.split('.'));
  return (e) => {
    for (const parts of split) {
      const v = at(e.message, parts);
      if (!isEmptyValue(v)) return v;
    }
    return undefined;
  };
};

function recordId(e: RuleEvent): unknown {
  if (isEmptyValue(e.recordId) || isObject(e.recordId) || Array.isArray(e.recordId)) {
    throw new RecordIdError('recordId cannot be empty for cloud sources events');
  }
  return e.recordId;
}

const canUseRecordId = (e: RuleEvent): boolean => ['cloud', 'singer-protocol'].includes(e.sourceCategory.toLowerCase());

function cloudRecordId(e: RuleEvent, fallback: unknown): unknown {
  return isEmptyValue(lookup(e.message, 'context', 'sources', 'version')) ? fallback : recordId(e);
}

const ipRules: Rules = {
  context_ip: firstValid('context.ip', 'request_ip'),
  context_request_ip: field('request_ip'),
  context_passed_ip: field('context.ip'),
};

export const DEFAULT_RULES: Rules = {
  id: (e) => e.messageId,
  anonymous_id: field('anonymousId'),
  user_id: field('userId'),
  sent_at: field('sentAt'),
  timestamp: field('timestamp'),
  received_at: (e) => e.receivedAt,
  original_timestamp: field('originalTimestamp'),
  channel: field('channel'),
  ...ipRules,
};
export const TRACK_RULES: Rules = { event_text: field('event') };
export const TRACK_EVENT_TABLE_RULES: Rules = {
  id: (e) => (isTrack(e) && canUseRecordId(e) ? cloudRecordId(e, e.messageId) : e.messageId),
};
export const TRACK_TABLE_RULES: Rules = {
  record_id: (e) => {
    if (!(isTrack(e) && canUseRecordId(e))) return undefined;
    const id = cloudRecordId(e, undefined);
    return id === undefined || id === null ? '' : String(id);
  },
};
export const USERS_RULES: Rules = {
  ...ipRules,
  sent_at: field('sentAt'),
  timestamp: field('timestamp'),
  original_timestamp: field('originalTimestamp'),
};
export const PAGE_RULES: Rules = { name: firstValid('name', 'properties.name') };
export const SCREEN_RULES: Rules = PAGE_RULES;
export const ALIAS_RULES: Rules = { previous_id: field('previousId') };
export const GROUP_RULES: Rules = { group_id: field('groupId') };
export const EXTRACT_RULES: Rules = { id: recordId, received_at: (e) => e.receivedAt, event: field('event') };

function isTrack(e: RuleEvent): boolean {
  return String(e.message.type ?? '') === 'track';
}

const reservedByType: Record<string, Set<string>> = {
  track: keys(DEFAULT_RULES, TRACK_RULES, TRACK_TABLE_RULES, TRACK_EVENT_TABLE_RULES),
  identify: keys(DEFAULT_RULES, ipRules),
  page: keys(DEFAULT_RULES, PAGE_RULES),
  screen: keys(DEFAULT_RULES, SCREEN_RULES),
  group: keys(DEFAULT_RULES, GROUP_RULES),
  alias: keys(DEFAULT_RULES, ALIAS_RULES),
  extract: keys(EXTRACT_RULES),
};

function keys(...rules: Rules[]): Set<string> {
  return new Set(rules.flatMap((r) => Object.keys(r)));
}

export function isRudderReservedColumn(eventType: string, column: string): boolean {
  return reservedByType[eventType.toLowerCase()]?.has(column.toLowerCase()) ?? false;
}
