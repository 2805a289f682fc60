/** The run-time validator: compiles each planned schema with ajv on first use, as the transformer does. */
import { compilableSchema, isDraft4, makeAjv } from './ajv.js';
import type { Resolved, Resolver } from './evaluate.js';
import { findPlannedEvent } from './layouts.js';
import { createPlanValidator, type PlanValidator } from './plan-validator.js';
import { ajvOptionsFor, DEFAULT_CONFIG } from './settings.js';
import type { SchemaCheck, TrackingPlan, TrackingPlanConfig } from './types.js';

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  /** The source's tracking-plan config (`{ global: {...}, track: {...} }`); default: validate, annotate, never drop. */
  config?: TrackingPlanConfig;
  /** Other versions of the same plan, for messages that pin one with `context.ruddertyper.trackingPlanVersion`. */
  versions?: TrackingPlan[];
}

function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableKey((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** A resolver that compiles a plan's schemas with ajv, caching each compiled check (or its compile error). */
export function ajvResolver(plan: TrackingPlan, config: TrackingPlanConfig): Resolver {
  const cache = new Map<string, SchemaCheck | Error>();
  return (eventType, eventName): Resolved => {
    const planned = findPlannedEvent(plan, eventType, eventName);
    const schema = planned?.schema;
    if (!schema || Object.keys(schema).length === 0) return { kind: 'unplanned' };
    const draft4 = isDraft4(schema);
    const options = ajvOptionsFor(config, eventType);
    const key = `${eventType}\u0000${String(eventName)}\u0000${draft4}\u0000${stableKey(options)}`;
    let compiled = cache.get(key);
    if (compiled === undefined) {
      try {
        compiled = makeAjv(options, draft4).compile(compilableSchema(schema)) as SchemaCheck;
      } catch (error) {
        compiled = error instanceof Error ? error : new Error(String(error));
      }
      cache.set(key, compiled);
    }
    if (compiled instanceof Error) throw compiled;
    return { kind: 'check', check: compiled };
  };
}

/** A validator that checks messages against `plan` at run time with ajv (needs code generation: Node, Bun, Deno). */
export function createValidator(plan: TrackingPlan, options: ValidatorOptions = {}): PlanValidator {
  const config = options.config ?? DEFAULT_CONFIG;
  const plans = [plan, ...(options.versions ?? [])].map((p) => ({ identity: { id: p.id, version: p.version }, resolve: ajvResolver(p, config) }));
  return createPlanValidator(plans, config);
}
