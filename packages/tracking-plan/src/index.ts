/**
 * `@rudderanalytics/tracking-plan`: RudderStack tracking plans offline. Load a plan in any layout,
 * check events with the hosted data plane's verdicts, compile a plan ahead of time.
 */
export type {
  AjvErrorLike,
  JsonObject,
  PlanLayout,
  PlannedEvent,
  SchemaCheck,
  TrackingPlan,
  TrackingPlanConfig,
  TrackingPlanSettings,
  Verdict,
  Violation,
  ViolationType,
} from './types.js';
export { loadPlan, findPlannedEvent, PlanFormatError } from './layouts.js';
export { toViolation, violationTypeOf } from './violations.js';
export { decide, mergeSettings, ajvOptionsFor, isSupportedEventType, unknownSettings, DEFAULT_CONFIG, DEFAULT_AJV_OPTIONS } from './settings.js';
export type { UnknownSetting } from './settings.js';
export { settingsWarnings, describeSettings, SETTING_KEYS, SETTING_SCOPES } from './settings-report.js';
export { annotate, pinnedVersion, toContextViolation } from './annotate.js';
export type { ContextViolation } from './annotate.js';
export { evaluate, violationsOf } from './evaluate.js';
export type { Resolved, Resolver, PlanIdentity } from './evaluate.js';
export { createPlanValidator } from './plan-validator.js';
export type { PlanValidator, ResolvablePlan } from './plan-validator.js';
export { createValidator, ajvResolver, compileSchema } from './validator.js';
export { brokenSchemas, eventLabel } from './broken-schemas.js';
export type { BrokenSchema } from './broken-schemas.js';
export type { ValidatorOptions } from './validator.js';
export { compilePlan } from './standalone.js';
export type { CompileOptions } from './standalone.js';
export { createCompiledValidator, compiledResolver } from './compiled-validator.js';
export type { CompiledPlan, CompiledPlanModule } from './compiled-validator.js';
export { coverage, lookupName } from './coverage.js';
export type { Coverage, RuleCount, SeenEvent } from './coverage.js';
export { draftPlan, inferSchema } from './draft.js';
export { diffPlans } from './diff.js';
export type { BreakingChange, BreakingKind } from './diff.js';
export { trackingPlanPlugin, TrackingPlanViolationError } from './plugin.js';
export type { TrackingPlanPluginOptions, ViolationPolicy, TrackingPlanDropDetails } from './plugin.js';
export { generateClient, isUpToDate, planHash } from './typegen/index.js';
export type { TypegenOptions } from './typegen/index.js';
export { compiledPlanPlugin, reportingValidator } from './violation-plugin.js';
export type { CompiledPlanPluginOptions, ViolationReport } from './violation-plugin.js';
