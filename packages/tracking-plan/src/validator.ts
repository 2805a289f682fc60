/** The run-time validator: compiles each planned schema with ajv on first use, as the transformer does. */
import { compileInFreshAjv } from './ajv.js';
import type { Resolved, Resolver } from './evaluate.js';
import { planIndex } from './plan-index.js';
import { createPlanValidator, type PlanValidator } from './plan-validator.js';
import { ajvOptionsFor, DEFAULT_CONFIG } from './settings.js';
import type { PlannedEvent, SchemaCheck, TrackingPlan, TrackingPlanConfig } from './types.js';

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  /** The source's tracking-plan config (`{ global: {...}, track: {...} }`); default: validate, annotate, never drop. */
  config?: TrackingPlanConfig;
  /** Other versions of the same plan, for messages that pin one with `context.ruddertyper.trackingPlanVersion`. */
  versions?: TrackingPlan[];
}

/** One planned event's schema compiled with ajv as the transformer compiles it, or the error it does not compile with. */
export function compileSchema(event: PlannedEvent, config: TrackingPlanConfig): Resolved | Error {
  const schema = event.schema;
  if (!schema || Object.keys(schema).length === 0) return { kind: 'unplanned' };
  try {
    const check = compileInFreshAjv(ajvOptionsFor(config, event.eventType), schema).validate as SchemaCheck;
    return { kind: 'check', check };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A resolver that compiles a plan's schemas with ajv on first use and keeps each compiled check (or
 * its compile error): the config, hence the ajv options per type, is fixed. Memory is bounded by the
 * plan, whatever names the events carry.
 */
export function ajvResolver(plan: TrackingPlan, config: TrackingPlanConfig): Resolver {
  const compiled = new Map<PlannedEvent, Resolved | Error>();
  const index = planIndex(plan.events, (e) => [e.eventType, e.name]);
  const compile = (event: PlannedEvent) => compileSchema(event, config);
  return (eventType, eventName): Resolved => {
    const event = index.get(eventType)?.get(eventName);
    if (!event) return { kind: 'unplanned' };
    let found = compiled.get(event);
    if (found === undefined) compiled.set(event, (found = compile(event)));
    if (found instanceof Error) throw found;
    return found;
  };
}

/** A validator that checks messages against `plan` at run time with ajv (needs code generation: Node, Bun, Deno). */
export function createValidator(plan: TrackingPlan, options: ValidatorOptions = {}): PlanValidator {
  const config = options.config ?? DEFAULT_CONFIG;
  const plans = [plan, ...(options.versions ?? [])].map((p) => ({ identity: { id: p.id, version: p.version }, resolve: ajvResolver(p, config) }));
  return createPlanValidator(plans, config);
}
