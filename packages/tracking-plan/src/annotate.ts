/**
 * What rudder-server does with a verdict (processor/trackingplan.go `reportViolations`) and how it
 * picks the plan version (processor/processor.go, the `context.ruddertyper` lookup).
 */
import type { JsonObject, TrackingPlanSettings, Verdict, Violation } from './types.js';

/**
 * A violation as it lands in `context.violationErrors`: rudder-server decodes the transformer's answer
 * into its `ValidationError` struct (processor/types/types.go) and encodes it again, so every entry
 * has `type, message, meta, property` in that order, `property` being `""` where the rule names none.
 */
export interface ContextViolation {
  /** The violation type. */
  type: string;
  /** What is wrong, in words. */
  message: string;
  /** The violation's `meta`, with string values. */
  meta: { [key: string]: string };
  /** The property the rule names, or `""`. */
  property: string;
}

/** One violation re-encoded as rudder-server writes it into the context. */
export function toContextViolation(v: Violation): ContextViolation {
  const meta: { [key: string]: string } = {};
  for (const [k, val] of Object.entries(v.meta)) if (val !== undefined) meta[k] = String(val);
  return { type: v.type, message: v.message, meta, property: v.property ?? '' };
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The message with `context.trackingPlanId`, `context.trackingPlanVersion` and
 * `context.violationErrors` set, unless `propagateValidationErrors` is the string `"false"`. A missing
 * or null context is created; a context that is not an object is left alone. The input is not changed.
 */
export function annotate(message: JsonObject, verdict: Verdict, merged: TrackingPlanSettings): JsonObject {
  if (merged.propagateValidationErrors === 'false') return message;
  const fields = {
    trackingPlanId: verdict.trackingPlanId,
    trackingPlanVersion: verdict.trackingPlanVersion,
    violationErrors: verdict.violationErrors.map(toContextViolation),
  };
  const context = message.context;
  if (context === undefined || context === null) return { ...message, context: fields };
  if (!isPlainObject(context)) return message;
  return { ...message, context: { ...context, ...fields } };
}

/**
 * The plan version the hosted processor validates a message against: the one pinned in
 * `context.ruddertyper.trackingPlanVersion` when `context.ruddertyper.trackingPlanId` is this plan's
 * id and the version is a number above 0, else the source's.
 */
export function pinnedVersion(message: JsonObject, planId: string, sourceVersion: number): number {
  const ctx = message.context;
  const typer = isPlainObject(ctx) ? ctx.ruddertyper : undefined;
  if (!isPlainObject(typer)) return sourceVersion;
  const version = typer.trackingPlanVersion;
  if (typer.trackingPlanId !== planId || typeof version !== 'number' || !(version > 0)) return sourceVersion;
  return Math.trunc(version);
}
