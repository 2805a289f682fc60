/**
 * Validation at the call. The SDK refuses only what the gateway refuses (an event it cannot identify,
 * something that is not an object), what JSON cannot carry, and (in prepare.ts) what is too large; the
 * rest is delivered as given. What is probably a mistake (a misspelt field, a timestamp the data plane
 * cannot read) is a warning, and `strict` turns every warning into a refusal. Pure: reports through
 * `env.warn`, throws ValidationError, returns nothing.
 */
import { ValidationError } from './errors.js';
import { KNOWN_FIELDS, likelyMisspelling } from './fields.js';
import { isPresentId } from './ids.js';
import { findUnserializable } from './serializable.js';
import { wireTimestamp } from './time.js';
import type { EventType } from './types.js';

/** The six event types, written down once: the data plane and the CLI take them from here (`rudderanalytics/internal`). */
export const EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

/** Something a call holds that is delivered as given but is probably a mistake. */
export interface CallWarning {
  /** The field, as a dotted path (`batch[3].userID` for a batch item). */
  field: string;
  /** What is probably wrong, and what is sent. */
  rule: string;
  /** For a batch call: the index of the item. */
  index?: number;
}

/** A warning as strict mode refuses it: the same field and rule, marked as a strict-mode refusal. */
export function strictRefusal(warning: CallWarning): ValidationError {
  return new ValidationError(warning.field, `${warning.rule} (refused: strict mode)`, warning.index);
}

export interface ValidateEnv {
  /** Warnings become refusals, and the typed calls' required fields are required. */
  strict: boolean;
  warn(warning: CallWarning): void;
}

const LENIENT: ValidateEnv = { strict: false, warn: () => undefined };
const ID_FIELDS = ['userId', 'anonymousId', 'previousId', 'groupId'] as const;
const OBJECT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;
const TIME_FIELDS = ['originalTimestamp', 'timestamp'] as const;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when JSON.stringify of `value` needs a look (objects, and leaves it throws on or loses). */
function needsWalk(value: unknown): boolean {
  switch (typeof value) {
    case 'object':
      return value !== null;
    case 'number':
      return !Number.isFinite(value);
    case 'string':
    case 'boolean':
      return false;
  }
  return true; // bigint, symbol, function
}

/**
 * Checks one call. `type` is the call's type when known (a typed call, or a valid `type` field), else
 * undefined. `at` prefixes field names (`batch[3].` for batch items) and `index` is the batch position.
 */
export function validateCall(call: unknown, type: EventType | undefined, env: ValidateEnv = LENIENT, at = '', index?: number): void {
  const fail = (field: string, rule: string): never => {
    throw new ValidationError(`${at}${field}`, rule, index);
  };
  const note = (field: string, rule: string): void => {
    if (env.strict) fail(field, `${rule} (refused: strict mode)`);
    env.warn(index === undefined ? { field: `${at}${field}`, rule } : { field: `${at}${field}`, rule, index });
  };
  if (!isPlainObject(call)) fail(at ? '' : 'message', `${type ? `a ${type} call` : 'an event'} must be a plain object`);
  const c = call as Record<string, unknown>;

  // One pass over the top level: what JSON cannot carry is refused, likely misspellings are noted.
  for (const key in c) {
    const value = c[key];
    if (value === undefined) continue;
    if (needsWalk(value)) {
      const bad = findUnserializable(value, key);
      if (bad) fail(bad.path, bad.rule);
    }
    if (!KNOWN_FIELDS.has(key)) {
      const meant = likelyMisspelling(key);
      if (meant) note(key, `looks like a misspelling of ${meant}; delivered as given, under this name`);
    }
  }

  for (const field of ID_FIELDS) {
    const value = c[field];
    if (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number') {
      note(field, 'is not a string or a number; delivered as given, and the gateway reads it as its JSON text');
    }
  }
  if (env.strict && type === 'alias') {
    if (!isPresentId(c.userId)) fail('userId', 'is required on alias and must not be blank');
  } else if (!isPresentId(c.userId) && !isPresentId(c.anonymousId)) {
    fail('userId', 'a userId or an anonymousId is required, non-blank after invisible characters are removed and whitespace trimmed');
  }
  if (env.strict) requireTypedFields(c, type, fail);

  for (const field of OBJECT_FIELDS) {
    const value = c[field];
    if (value !== undefined && !isPlainObject(value)) note(field, 'is not an object; delivered as given');
  }
  if (isPlainObject(c.integrations)) {
    for (const name in c.integrations) {
      const v = c.integrations[name];
      if (v !== undefined && typeof v !== 'boolean' && !isPlainObject(v))
        note(`integrations.${name}`, 'is not a boolean or an object; delivered as given');
    }
  }
  for (const field of TIME_FIELDS) {
    if (c[field] !== undefined && wireTimestamp(c[field]) === undefined) {
      note(field, 'is not a Date, an ISO 8601 string or epoch milliseconds; delivered as given (the data plane falls back to receivedAt)');
    }
  }
  const messageId = c.messageId;
  if (messageId !== undefined && messageId !== null) {
    if (typeof messageId !== 'string') note('messageId', 'is not a string; replaced by a generated UUID, as the gateway does');
    else if (!isPresentId(messageId))
      note('messageId', 'is blank after invisible characters are removed; replaced by a generated UUID, as the gateway does');
  }
}

/** The fields the typed calls require (strict mode only: the gateway requires none of them). */
function requireTypedFields(c: Record<string, unknown>, type: EventType | undefined, fail: (field: string, rule: string) => never): void {
  switch (type) {
    case undefined:
      fail('type', `must be one of ${EVENT_TYPES.join(', ')}`);
      break;
    case 'track':
      if (typeof c.event !== 'string' || !isPresentId(c.event)) fail('event', 'is required on track and must be a non-blank string');
      break;
    case 'page':
    case 'screen':
      if (typeof c.name !== 'string' || !isPresentId(c.name)) fail('name', `is required on ${type} and must be a non-blank string`);
      if (c.category !== undefined && typeof c.category !== 'string') fail('category', 'must be a string');
      break;
    case 'group':
      if (!isPresentId(c.groupId)) fail('groupId', 'is required on group and must not be blank');
      break;
    case 'alias':
      if (!isPresentId(c.previousId)) fail('previousId', 'is required on alias and must not be blank');
      break;
  }
}
