/**
 * Validation at the call: the gateway's own rules plus the SDK's, so a bad event is refused on its own,
 * with the field and the rule, instead of making the data plane reject the whole batch it joined.
 * Pure: throws ValidationError, returns nothing.
 */
import { ValidationError } from './errors.js';
import { isPresentId } from './ids.js';
import { findUnserializable } from './serializable.js';
import { toIsoTimestamp } from './time.js';
import type { EventType } from './types.js';

export const EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

const COMMON = ['type', 'userId', 'anonymousId', 'context', 'integrations', 'originalTimestamp', 'timestamp', 'messageId'];
const FIELDS: Record<EventType, ReadonlySet<string>> = {
  identify: new Set([...COMMON, 'traits']),
  track: new Set([...COMMON, 'event', 'properties']),
  page: new Set([...COMMON, 'name', 'category', 'properties']),
  screen: new Set([...COMMON, 'name', 'category', 'properties']),
  group: new Set([...COMMON, 'groupId', 'traits']),
  alias: new Set([...COMMON, 'previousId']),
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks one call of a known type. `at` prefixes field names (`batch[3].` for batch items) and
 * `index` is the batch position, so the error points at the item.
 */
export function validateCall(call: unknown, type: EventType, at = '', index?: number): void {
  const fail = (field: string, rule: string): never => {
    throw new ValidationError(`${at}${field}`, rule, index);
  };
  if (!isPlainObject(call)) fail(at ? '' : 'message', `a ${type} call must be a plain object`);
  const c = call as Record<string, unknown>;
  const allowed = FIELDS[type];
  for (const key in c) {
    if (!allowed.has(key) && c[key] !== undefined) fail(key, `is not a field of a ${type} call`);
  }

  checkIdType(c.userId, 'userId', fail);
  checkIdType(c.anonymousId, 'anonymousId', fail);
  if (type === 'alias') {
    if (!isPresentId(c.userId)) fail('userId', 'is required on alias and must not be blank');
    checkIdType(c.previousId, 'previousId', fail);
    if (!isPresentId(c.previousId)) fail('previousId', 'is required on alias and must not be blank');
  } else if (!isPresentId(c.userId) && !isPresentId(c.anonymousId)) {
    fail('userId', 'a userId or an anonymousId is required, non-blank after invisible characters are removed and whitespace trimmed');
  }

  switch (type) {
    case 'track':
      if (typeof c.event !== 'string') fail('event', 'is required on track and must be a string');
      if (!isPresentId(c.event)) fail('event', 'must not be blank');
      break;
    case 'page':
    case 'screen':
      if (typeof c.name !== 'string') fail('name', `is required on ${type} and must be a string`);
      if (!isPresentId(c.name)) fail('name', 'must not be blank');
      if (c.category !== undefined && typeof c.category !== 'string') fail('category', 'must be a string');
      break;
    case 'group':
      checkIdType(c.groupId, 'groupId', fail);
      if (!isPresentId(c.groupId)) fail('groupId', 'is required on group and must not be blank');
      break;
  }

  for (const field of ['properties', 'traits', 'context', 'integrations'] as const) {
    const value = c[field];
    if (value === undefined) continue;
    if (!isPlainObject(value)) fail(field, 'must be a plain object');
    const bad = findUnserializable(value, field);
    if (bad) fail(bad.path, bad.rule);
  }
  if (isPlainObject(c.context) && c.context.library !== undefined) {
    fail('context.library', 'is set by the SDK and must not be given');
  }
  if (isPlainObject(c.integrations)) {
    for (const name in c.integrations) {
      const v = c.integrations[name];
      if (v !== undefined && typeof v !== 'boolean' && !isPlainObject(v)) {
        fail(`integrations.${name}`, 'must be a boolean or a plain object');
      }
    }
  }
  for (const field of ['originalTimestamp', 'timestamp'] as const) {
    if (c[field] !== undefined && toIsoTimestamp(c[field]) === undefined) {
      fail(field, 'must be a valid Date or an ISO 8601 date string');
    }
  }
  if (c.messageId !== undefined) {
    if (typeof c.messageId !== 'string') fail('messageId', 'must be a string');
    if (!isPresentId(c.messageId)) fail('messageId', 'must not be blank');
  }
}

function checkIdType(value: unknown, field: string, fail: (field: string, rule: string) => never): void {
  if (value === undefined || value === null || typeof value === 'string') return;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  fail(field, 'must be a string or a finite number');
}
