/**
 * The typed calls of a plan: for each planned event (first per lookup key, as the validator looks them
 * up), the call fields its message schema constrains and their TypeScript types.
 */
import { checkKey } from '../check-key.js';
import type { JsonObject, PlannedEvent, TrackingPlan } from '../types.js';
import { identifiers, pascalCase } from './names.js';
import { needsValue, schemaType } from './schema-type.js';

/** The call types the SDK has and the plan can rule (alias is never validated). */
export type PlannedCallType = 'track' | 'identify' | 'page' | 'screen' | 'group';

/** One field of a call (`properties`, `traits`, `name`, …) with its type text. */
export interface CallField {
  key: string;
  type: string;
  optional: boolean;
  description?: string;
}

/** A planned call: what the generated function for it takes. */
export interface PlannedCall {
  eventType: PlannedCallType;
  /** The track event's name; `""` for the other types. */
  name: string;
  /** The generated function's name (track events) or the call type. */
  identifier: string;
  /** The prefix of the generated type names (`OrderCompleted` → `OrderCompletedProperties`, `OrderCompletedCall`). */
  typeName: string;
  description?: string;
  fields: CallField[];
  /** The plan requires `userId` (not just one of the ids). */
  requiresUserId: boolean;
}

const CALL_FIELDS: Record<PlannedCallType, readonly string[]> = {
  track: ['properties'],
  identify: ['traits'],
  page: ['name', 'category', 'properties'],
  screen: ['name', 'category', 'properties'],
  group: ['groupId', 'traits'],
};

/** What the SDK itself requires of a field, whatever the plan says. */
const SDK_FIELDS: Record<string, { type: string; required: boolean }> = {
  name: { type: 'string', required: true },
  category: { type: 'string', required: false },
  groupId: { type: 'Id', required: true },
};

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(schema: unknown): string | undefined {
  return isObject(schema) && typeof schema.description === 'string' ? schema.description : undefined;
}

function fieldsOf(eventType: PlannedCallType, schema: JsonObject | undefined): { fields: CallField[]; requiresUserId: boolean } {
  const props = isObject(schema?.properties) ? (schema!.properties as JsonObject) : {};
  const required = new Set(Array.isArray(schema?.required) ? (schema!.required as unknown[]) : []);
  const fields: CallField[] = [];
  for (const key of CALL_FIELDS[eventType]) {
    const sdk = SDK_FIELDS[key];
    const declared = Object.prototype.hasOwnProperty.call(props, key);
    if (!declared && !sdk) {
      fields.push({ key, type: '{ [key: string]: unknown }', optional: true });
      continue;
    }
    const planned = declared ? schemaType(props[key], '  ') : 'unknown';
    // Where the SDK needs a type (a page name is a string), the plan's type narrows it but never widens it.
    const type = sdk ? (planned === 'unknown' ? sdk.type : sdk.type === 'Id' ? planned : `${sdk.type} & ${planned}`) : planned;
    const optional = sdk?.required ? false : !(required.has(key) || needsValue(props[key]));
    fields.push({ key, type, optional, ...(describe(props[key]) ? { description: describe(props[key]) } : {}) });
  }
  return { fields, requiresUserId: required.has('userId') };
}

/** Names reserved for the generated client's own members. */
export const CLIENT_MEMBERS: ReadonlySet<string> = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias', 'trackingPlan']);

/** The typed calls of a plan, in plan order: track events first, then identify, page, screen, group. */
export function plannedCalls(plan: TrackingPlan): PlannedCall[] {
  const seen = new Set<string>();
  const firsts: Array<PlannedEvent & { eventType: PlannedCallType }> = [];
  for (const e of plan.events) {
    if (!(e.eventType in CALL_FIELDS) || typeof e.name !== 'string') continue;
    // Only the first event per lookup key is ever checked; non-track rules are looked up by type alone.
    const key = checkKey(e.eventType, e.eventType === 'track' ? e.name : '');
    if (seen.has(key)) continue;
    seen.add(key);
    firsts.push(e as PlannedEvent & { eventType: PlannedCallType });
  }
  const tracks = firsts.filter((e) => e.eventType === 'track');
  const ids = identifiers(
    tracks.map((e) => e.name),
    CLIENT_MEMBERS,
  );
  const others = firsts.filter((e) => e.eventType !== 'track');
  return [
    ...tracks.map((e, i) => ({ e, identifier: ids[i], typeName: ids[i][0].toUpperCase() + ids[i].slice(1) })),
    ...(['identify', 'page', 'screen', 'group'] as const).flatMap((t) =>
      others.filter((e) => e.eventType === t).map((e) => ({ e, identifier: t as string, typeName: pascalCase(t) })),
    ),
  ].map(({ e, identifier, typeName }) => ({
    eventType: e.eventType,
    name: e.eventType === 'track' ? e.name : '',
    identifier,
    typeName,
    ...((e.description ?? describe(e.schema)) ? { description: e.description ?? describe(e.schema) } : {}),
    ...fieldsOf(e.eventType, e.schema),
  }));
}
