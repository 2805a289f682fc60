/**
 * The verdict on one message, given a way to find the compiled check for `(eventType, name)`.
 * Shared by the run-time validator (ajv) and the ahead-of-time one (standalone code), so both
 * decide alike; it imports no ajv.
 */
import { decide, isSupportedEventType } from './settings.js';
import type { JsonObject, SchemaCheck, TrackingPlanConfig, TrackingPlanSettings, Verdict, Violation } from './types.js';
import { toViolation, unplannedEvent } from './violations.js';

/** What a plan holds for `(eventType, name)`: no schema, or the check to run (resolving may throw: the schema does not compile). */
export type Resolved =
  | {
      /** The plan has no schema for the key. */
      kind: 'unplanned';
    }
  | {
      /** The plan has a schema for the key. */
      kind: 'check';
      /** The schema's compiled check. */
      check: SchemaCheck;
    };

/** Finds the check for a message's `(eventType, name)`; the event type's `ajvOptions` come along. */
export type Resolver = (eventType: string, eventName: unknown) => Resolved;

/** The plan id and version that annotate a verdict. */
export interface PlanIdentity {
  /** The plan id. */
  id: string;
  /** The plan version. */
  version: number;
}

function isEmpty(obj: unknown): boolean {
  return !obj || Object.keys(obj).length === 0;
}

/** The violations of one message (transformer `validate()`); throws when the schema does not compile. */
export function violationsOf(message: JsonObject, resolve: Resolver): Violation[] {
  const type = message.type as string;
  const resolved = resolve(type, type === 'track' ? message.event : '');
  if (resolved.kind === 'unplanned') return type === 'track' ? [unplannedEvent(message.event)] : [];
  if (resolved.check(message)) return [];
  return (resolved.check.errors ?? []).map(toViolation);
}

/**
 * The transformer's `handleValidation`, per message: no config means no check; unsupported types
 * pass; a schema that does not compile never drops (the transformer answers 200 with no violations).
 */
export function evaluate(
  message: JsonObject,
  resolve: Resolver,
  plan: PlanIdentity,
  sourceTpConfig: TrackingPlanConfig,
  mergedTpConfig: TrackingPlanSettings,
): Verdict {
  const base = { dropEvent: false, violationType: 'None' as const, violationErrors: [], trackingPlanId: plan.id, trackingPlanVersion: plan.version };
  if (isEmpty(sourceTpConfig) || isEmpty(mergedTpConfig) || !isSupportedEventType(message.type)) return { ...base, validated: false };
  let violationErrors: Violation[];
  try {
    violationErrors = violationsOf(message, resolve);
  } catch (error) {
    return {
      ...base,
      validated: false,
      error: `schema for ${message.type} '${String(message.event ?? '')}' does not compile: ${(error as Error)?.message ?? String(error)}`,
    };
  }
  if (violationErrors.length === 0) return { ...base, validated: true };
  return { ...base, ...decide(violationErrors, mergedTpConfig), violationErrors, validated: true };
}
