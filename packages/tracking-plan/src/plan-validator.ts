/** A validator for one plan (and its pinned versions) over any resolver: run-time ajv or compiled code. */
import { annotate, pinnedVersion } from './annotate.js';
import { evaluate, type PlanIdentity, type Resolver } from './evaluate.js';
import { DEFAULT_CONFIG, mergeSettings } from './settings.js';
import type { JsonObject, TrackingPlanConfig, Verdict } from './types.js';

/** One version of a plan, ready to check messages. */
export interface ResolvablePlan {
  /** The plan id and version. */
  identity: PlanIdentity;
  /** Finds the check for an event type and name. */
  resolve: Resolver;
}

/** Checks messages against a tracking plan with the hosted data plane's verdicts. */
export interface PlanValidator {
  /** The connected plan: the version messages are checked against unless they pin another. */
  readonly plan: PlanIdentity;
  /** The source's tracking-plan config in use. */
  readonly config: TrackingPlanConfig;
  /** The verdict on a message; the message is not changed. */
  check(message: JsonObject): Verdict;
  /** The verdict and the message as the hosted processor forwards it (context annotated, unless `propagateValidationErrors` is "false"). */
  apply(message: JsonObject): {
    /** The verdict on the message. */
    verdict: Verdict;
    /** The message as forwarded: context annotated unless `propagateValidationErrors` is "false"; the input is not changed. */
    message: JsonObject;
  };
}

/**
 * Builds a {@link PlanValidator}. The first plan is the connected one; the others are versions a
 * message may pin with `context.ruddertyper` (a pinned version not given falls back to the connected one).
 */
export function createPlanValidator(plans: ResolvablePlan[], config: TrackingPlanConfig = DEFAULT_CONFIG): PlanValidator {
  const [connected] = plans;
  if (!connected) throw new TypeError('createPlanValidator: at least one plan is required');
  const byVersion = new Map(plans.filter((p) => p.identity.id === connected.identity.id).map((p) => [p.identity.version, p]));
  const pick = (message: JsonObject) => byVersion.get(pinnedVersion(message, connected.identity.id, connected.identity.version)) ?? connected;
  const check = (message: JsonObject): Verdict => {
    const plan = pick(message);
    const merged = mergeSettings(config, String(message.type));
    return evaluate(message, plan.resolve, plan.identity, config, merged);
  };
  return {
    plan: connected.identity,
    config,
    check,
    apply(message) {
      const verdict = check(message);
      return { verdict, message: annotate(message, verdict, mergeSettings(config, String(message.type))) };
    },
  };
}
