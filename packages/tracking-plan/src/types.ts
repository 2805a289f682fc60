/** Shared types of tracking plans, their settings and the verdicts on events. */

/** A JSON object as found in a plan or an event. */
export type JsonObject = { [key: string]: unknown };

/** The violation types rudder-transformer assigns (src/util/eventValidation.js `violationTypes`). */
export type ViolationType =
  'Required-Missing' | 'Datatype-Mismatch' | 'Additional-Properties' | 'Advance-Rules-Violation' | 'Unknown-Violation' | 'Unplanned-Event';

/** One violation, shaped as rudder-transformer returns it: `property` only where the rule names one. */
export interface Violation {
  /** The violation type. */
  type: ViolationType;
  /** What is wrong, in words. */
  message: string;
  /** The property the rule names, where it names one. */
  property?: string;
  /** Where the rule is, in the message and in the schema. */
  meta: {
    /** JSON Pointer to the failing value in the message, e.g. `/properties/revenue`. */
    instancePath?: string;
    /** JSON Schema path of the failing rule, e.g. `#/properties/properties/required`. */
    schemaPath?: string;
  };
}

/** The plan layouts {@link loadPlan} recognises. */
export type PlanLayout = 'rudderstack-events' | 'rudderstack-rules' | 'ruddertyper' | 'segment-config-api-v1' | 'segment-public-api' | 'typewriter';

/** One planned event: the schema the hosted validator uses for `(eventType, name)`. */
export interface PlannedEvent {
  /** The event type (`track`, `identify`, …). */
  eventType: string;
  /** The track event's name; `""` for identify, page, screen and group. */
  name: string;
  /** The JSON Schema the whole message is validated against. */
  schema: JsonObject | undefined;
  /** The event's id in the plan, if it has one. */
  id?: string;
  /** The event's description in the plan, if it has one. */
  description?: string;
}

/** A plan in one normalised form, whatever layout it was loaded from. */
export interface TrackingPlan {
  /** The plan id. */
  id: string;
  /** The plan version. */
  version: number;
  /** The plan name, if it has one. */
  name?: string;
  /** The layout the plan was loaded from. */
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
  /** `"false"` drops events the plan has no schema for; default `"true"`. */
  allowUnplannedEvents?: string | boolean;
  /** `"drop"` drops events with properties their schema does not allow; default `"forward"`. */
  unplannedProperties?: string;
  /** `"drop"` drops events with any other violation; default `"forward"`. */
  anyOtherViolation?: string;
  /** Where violating events are sent; the only value the transformer knows is `"procerrors"`. */
  sendViolatedEventsTo?: string;
  /** Only the exact string `"false"` stops the context annotation (rudder-server compares strings). */
  propagateValidationErrors?: string | boolean;
  /** Options for ajv when compiling the schemas, merged over those of `global`. */
  ajvOptions?: JsonObject;
  [key: string]: unknown;
}

/** A source's tracking-plan config as the server holds it: `{ global: {...}, track: {...}, ... }`. */
export type TrackingPlanConfig = { [eventTypeOrGlobal: string]: TrackingPlanSettings | undefined };

/** The verdict on one message. */
export interface Verdict {
  /** Whether the event is dropped. */
  dropEvent: boolean;
  /** The violation type that made the event drop, or `None`. */
  violationType: ViolationType | 'None';
  /** The violations found. */
  violationErrors: Violation[];
  /**
   * false when the hosted validator would not have checked the message: no config, an event type it
   * does not validate (alias), or a schema that does not compile (then `error` says why).
   */
  validated: boolean;
  /** Why the message was not checked, when it was not. */
  error?: string;
  /** The id of the plan that checked the message. */
  trackingPlanId: string;
  /** The version of the plan that checked the message. */
  trackingPlanVersion: number;
}

/** A function that validates one instance, as ajv (runtime or standalone) produces it. */
export type SchemaCheck = ((data: unknown) => boolean) & {
  /** The errors of the last failed check (ajv's `errors`); null or absent after a pass. */
  errors?: AjvErrorLike[] | null;
};

/** The fields of an ajv error the violation mapping reads. */
export interface AjvErrorLike {
  /** The JSON Schema keyword that failed. */
  keyword: string;
  /** The error message. */
  message?: string;
  /** JSON Pointer to the failing value. */
  instancePath?: string;
  /** JSON Schema path of the failing rule. */
  schemaPath?: string;
  /** Keyword-specific details. */
  params?: { [key: string]: unknown };
}
