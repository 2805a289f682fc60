/**
 * The plugin a generated typed client (`rudder typegen`) exports: the tracking-plan plugin over the
 * plan compiled into the generated file, plus an `onViolation` handler that sees every violation,
 * whatever the policy does with the event. No ajv here: it runs on Workers and Deno.
 */
import type { Plugin } from 'rudderanalytics';
import { toContextViolation, type ContextViolation } from './annotate.js';
import type { PlanValidator } from './plan-validator.js';
import { trackingPlanPlugin, type ViolationPolicy } from './plugin.js';
import { createCompiledValidator, type CompiledPlanModule } from './compiled-validator.js';
import type { JsonObject, TrackingPlanConfig, Verdict } from './types.js';

/** What `onViolation` receives for an event with at least one violation. */
export interface ViolationReport {
  /** The event's messageId, as the data plane stores it. */
  messageId: string;
  /** The event's type (`track`, `identify`, …). */
  type: string;
  /** The track event's name; undefined for the other types. */
  event?: string;
  /** The violations exactly as the data plane writes them into `context.violationErrors`. */
  violations: ContextViolation[];
  /** The full verdict (drop decision, violation type, plan id and version). */
  verdict: Verdict;
}

/** Options of {@link compiledPlanPlugin}. */
export interface CompiledPlanPluginOptions {
  /** What to do with an event that has violations (see `trackingPlanPlugin`); `hosted` by default. */
  policy?: ViolationPolicy;
  /** Called at the call for each event with violations, before the policy applies. A handler that throws is reported as the SDK's `pluginError`. */
  onViolation?: (report: ViolationReport) => void;
  /** The source's tracking-plan settings; default: those compiled in. */
  config?: TrackingPlanConfig;
}

/** A validator that tells `onViolation` about every verdict with violations. */
export function reportingValidator(validator: PlanValidator, onViolation: (report: ViolationReport) => void): PlanValidator {
  const report = (message: JsonObject, verdict: Verdict) => {
    if (verdict.violationErrors.length === 0) return;
    onViolation({
      messageId: String(message.messageId),
      type: String(message.type),
      ...(message.type === 'track' ? { event: String(message.event) } : {}),
      violations: verdict.violationErrors.map(toContextViolation),
      verdict,
    });
  };
  return {
    plan: validator.plan,
    config: validator.config,
    check(message) {
      const verdict = validator.check(message);
      report(message, verdict);
      return verdict;
    },
    apply(message) {
      const result = validator.apply(message);
      report(message, result.verdict);
      return result;
    },
  };
}

/** The SDK plugin for a compiled plan, with an optional `onViolation` handler. */
export function compiledPlanPlugin(compiled: CompiledPlanModule, options: CompiledPlanPluginOptions = {}): Plugin {
  const base = createCompiledValidator(compiled, options.config ? { config: options.config } : {});
  const validator = options.onViolation ? reportingValidator(base, options.onViolation) : base;
  return trackingPlanPlugin({ validator, ...(options.policy ? { policy: options.policy } : {}) });
}
