/**
 * Tracking-plan settings: how rudder-server merges them per event type and how rudder-transformer
 * turns them, with the violations found, into `dropEvent` and `violationType`.
 */
import type { JsonObject, TrackingPlanConfig, TrackingPlanSettings, Violation, ViolationType } from './types.js';

/** The event types the hosted validator checks (transformer `supportedEventTypes`); alias never. */
const SUPPORTED = new Set(['track', 'identify', 'page', 'screen', 'group']);

/** Whether the hosted validator checks messages of this type. */
export function isSupportedEventType(type: unknown): boolean {
  return typeof type === 'string' && SUPPORTED.has(type);
}

/** ajv options the transformer always starts from. */
export const DEFAULT_AJV_OPTIONS: Readonly<JsonObject> = Object.freeze({
  strictRequired: true,
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
});

/**
 * The config used when none is given: validate and annotate everything, drop nothing. (The hosted
 * validator skips sources with an empty config; pass `{}` to reproduce that.)
 */
export const DEFAULT_CONFIG: Readonly<TrackingPlanConfig> = Object.freeze({
  global: {
    allowUnplannedEvents: 'true',
    unplannedProperties: 'forward',
    anyOtherViolation: 'forward',
    propagateValidationErrors: 'true',
    ajvOptions: {},
  },
});

/** Shallow merge of `global` and the event type's settings, the event type winning (rudder-server backend-config `GetMergedConfig`). */
export function mergeSettings(config: TrackingPlanConfig, eventType: string): TrackingPlanSettings {
  return { ...(config.global ?? {}), ...(config[eventType] ?? {}) };
}

/** The ajv options for one event type: defaults, then global, then the event type's (transformer `validate()`). */
export function ajvOptionsFor(config: TrackingPlanConfig, eventType: string): JsonObject {
  return {
    ...DEFAULT_AJV_OPTIONS,
    ...((config.global && config.global.ajvOptions) || {}),
    ...(config[eventType]?.ajvOptions || {}),
  };
}

/** Types `anyOtherViolation` covers, in the order the transformer looks for them. */
const OTHER_VIOLATIONS: ViolationType[] = ['Unknown-Violation', 'Datatype-Mismatch', 'Required-Missing', 'Advance-Rules-Violation'];

/** A setting whose value is none the transformer knows; it logs these and ignores them. */
export interface UnknownSetting {
  /** The setting's name. */
  key: string;
  /** The value given, as a string. */
  value: string;
}

const KNOWN_VALUES: Record<string, string[]> = {
  allowUnplannedEvents: ['true', 'false'],
  unplannedProperties: ['forward', 'drop'],
  anyOtherViolation: ['forward', 'drop'],
  sendViolatedEventsTo: ['procerrors'],
};

function normalised(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value).toLowerCase();
}

/**
 * Decides drop or forward for a message with violations. Settings are applied in the merged
 * config's key order and a later drop overwrites an earlier `violationType`, as in the transformer's
 * `handleValidationErrors`.
 */
export function decide(
  violations: Violation[],
  merged: TrackingPlanSettings,
): {
  /** Whether the message is dropped rather than forwarded. */
  dropEvent: boolean;
  /** The violation type that decided it, or `None` when none did. */
  violationType: ViolationType | 'None';
} {
  const present = new Set(violations.map((v) => v.type));
  let dropEvent = false;
  let violationType: ViolationType | 'None' = 'None';
  const drop = (type: ViolationType) => {
    dropEvent = true;
    violationType = type;
  };
  for (const key of Object.keys(merged)) {
    const value = normalised(merged[key]);
    if (key === 'allowUnplannedEvents' && value === 'false' && present.has('Unplanned-Event')) drop('Unplanned-Event');
    if (key === 'unplannedProperties' && value === 'drop' && present.has('Additional-Properties')) drop('Additional-Properties');
    if (key === 'anyOtherViolation' && value === 'drop') {
      const found = OTHER_VIOLATIONS.find((t) => present.has(t));
      if (found) drop(found);
    }
  }
  return { dropEvent, violationType };
}

/** The settings in a config whose values the transformer would not recognise (it logs and ignores them). */
export function unknownSettings(config: TrackingPlanConfig): UnknownSetting[] {
  const out: UnknownSetting[] = [];
  for (const [scope, settings] of Object.entries(config)) {
    for (const [key, raw] of Object.entries(settings ?? {})) {
      const known = KNOWN_VALUES[key];
      const value = normalised(raw);
      if (known && value !== undefined && !known.includes(value)) out.push({ key: `${scope}.${key}`, value });
    }
  }
  return out;
}
