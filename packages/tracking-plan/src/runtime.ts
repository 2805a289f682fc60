/**
 * Checks messages with a plan compiled ahead of time by `compilePlan`: no ajv, no code generation,
 * so it runs on Workers and Deno Deploy. Same verdicts as `createValidator`. This entry point only
 * re-exports: the modules it names never import it.
 */
export { compiledResolver, createCompiledValidator } from './compiled-validator.js';
export type { CompiledPlan, CompiledPlanModule } from './compiled-validator.js';
export type { PlanValidator } from './plan-validator.js';
export type { JsonObject, Verdict, Violation, ViolationType, TrackingPlanConfig } from './types.js';
export { annotate } from './annotate.js';
export { trackingPlanPlugin, TrackingPlanViolationError } from './plugin.js';
export type { TrackingPlanPluginOptions, ViolationPolicy } from './plugin.js';
export { compiledPlanPlugin, reportingValidator } from './violation-plugin.js';
export type { CompiledPlanPluginOptions, ViolationReport } from './violation-plugin.js';
export type { ContextViolation } from './annotate.js';
export type { SchemaCheck } from './types.js';
