/** A validator over plans compiled ahead of time by `compilePlan` (what `./runtime` exports, with no ajv). */
import { planIndex } from './plan-index.js';
import type { Resolver } from './evaluate.js';
import { createPlanValidator, type PlanValidator } from './plan-validator.js';
import type { SchemaCheck, TrackingPlanConfig } from './types.js';

/** One plan version inside a compiled module. */
export interface CompiledPlan {
  /** The plan id. */
  id: string;
  /** The plan version. */
  version: number;
  /** Check per `(eventType, name)` key, or the compile error of its schema. */
  checks: {
    [key: string]:
      | SchemaCheck
      | {
          /** Why the schema did not compile. */
          error: string;
        };
  };
}

/** What a module produced by `compilePlan` exports. */
export interface CompiledPlanModule {
  /** The compiled plan versions. */
  plans: CompiledPlan[];
  /** The tracking-plan config compiled in. */
  config: TrackingPlanConfig;
}

/** A resolver over one compiled plan version. */
export function compiledResolver(plan: CompiledPlan): Resolver {
  const index = planIndex(Object.keys(plan.checks), (key) => JSON.parse(key) as [string, unknown]);
  return (eventType, eventName) => {
    const key = index.get(eventType)?.get(eventName ?? null);
    if (key === undefined) return { kind: 'unplanned' };
    const found = plan.checks[key];
    if (typeof found !== 'function') throw new Error(found.error);
    return { kind: 'check', check: found };
  };
}

/**
 * A validator over a compiled module. The settings default to the config compiled in; another config
 * may change the settings, but its `ajvOptions` are those the code was compiled with.
 */
export function createCompiledValidator(compiled: CompiledPlanModule, options: { config?: TrackingPlanConfig } = {}): PlanValidator {
  const plans = compiled.plans.map((p) => ({ identity: { id: p.id, version: p.version }, resolve: compiledResolver(p) }));
  return createPlanValidator(plans, options.config ?? compiled.config);
}
