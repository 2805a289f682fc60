/** Shared types of tracking plans, their settings and the verdicts on events. */

/** A JSON object as found in a plan or an event. */
export type JsonObject = { [key: string]: unknown };

/** The violation types rudder-transformer assigns (src/util/eventValidation.js `violationTypes`). */
export type ViolationType =
  | 'Required-Missing'
  | 'Datatype-Mismatch'
  | 'Additional-Properties'
  | 'Advance-Rules-Violation'
  | 'Unknown-Violation'
  | 'Unplanned-Event';

/** One violation, shaped as rudder-transformer returns it: `property` only where the rule names one. */
export interface Violation {
  type: ViolationType;
  message: string;
  property?: string;
  meta: { instancePath?: string; schemaPath?: string };
}

/** The plan layouts {@link loadPlan} recognises. */
export type PlanLayout =
  | 'rudderstack-events'
  | 'rudderstack-rules'
  | 'ruddertyper'
  | 'segment-config-api-v1'
  | 'segment-public-api';

/** One planned event: the schema the hosted validator uses for `(eventType, name)`. */
export interface PlannedEvent {
  eventType: string;
  /** The track event's name; `""` for identify, page, screen and group. */
  name: string;
  /** The JSON Schema the whole message is validated against. */
  schema: JsonObject | undefined;
  id?: string;
  description?: string;
}

/** A plan in one normalised form, whatever layout it was loaded from. */
export interface TrackingPlan {
  id: string;
  version: number;
  name?: string;
  layout: PlanLayout;
  /** In lookup order: the first event matching `(eventType, name)` wins, as in the transformer. */
  events: PlannedEvent[];
  /** Rules the layout carries that RudderStack does not enforce (Segment `global`/`COMMON`). */
  unenforced?: JsonObject[];
}

/**
 * The settings of one event type (or `global`) in a source's tracking-plan config. Values are
 * compared case-insensitively after `toString()`, as the transformer does, so `true` and `"TRUE"` work.
 */
export interface TrackingPlanSettings {
  allowUnplannedEvents?: string | boolean;
  unplannedProperties?: string;
  anyOtherViolation?: string;
  sendViolatedEventsTo?: string;
  /** Only the exact string `"false"` stops the context annotation (rudder-server compares strings). */
  propagateValidationErrors?: string | boolean;
  ajvOptions?: JsonObject;
  [key: string]: unknown;
}

/** A source's tracking-plan config as the server holds it: `{ global: {...}, track: {...}, ... }`. */
export type TrackingPlanConfig = { [eventTypeOrGlobal: string]: TrackingPlanSettings | undefined };

/** The verdict on one message. */
export interface Verdict {
  dropEvent: boolean;
  violationType: ViolationType | 'None';
  violationErrors: Violation[];
  /**
   * false when the hosted validator would not have checked the message: no config, an event type it
   * does not validate (alias), or a schema that does not compile (then `error` says why).
   */
  validated: boolean;
  error?: string;
  trackingPlanId: string;
  trackingPlanVersion: number;
}

/** A function that validates one instance, as ajv (runtime or standalone) produces it. */
export type SchemaCheck = ((data: unknown) => boolean) & { errors?: AjvErrorLike[] | null };

/** The fields of an ajv error the violation mapping reads. */
export interface AjvErrorLike {
  keyword: string;
  message?: string;
  instancePath?: string;
  schemaPath?: string;
  params?: { [key: string]: unknown };
}
