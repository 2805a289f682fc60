/**
 * The tracking plan as an SDK plugin (`RudderAnalytics.load(key, url, { plugins: [...] })`). It checks
 * each event with a validator (run-time ajv, or compiled ahead of time for Workers) and, by policy:
 * - `hosted` (default): does what the hosted data plane would: drops what the settings drop, annotates
 *   the rest (`context.trackingPlanId`, `trackingPlanVersion`, `violationErrors`);
 * - `drop`: drops every event with a violation;
 * - `throw`: makes the call throw a {@link TrackingPlanViolationError} (for tests and CI).
 * Dropped events are counted in the client's `stats().filtered` and emitted as `'filtered'` with the verdict.
 */
import type { OutgoingEvent, Plugin, PluginVerdict } from 'rudderanalytics';
import type { PlanValidator } from './plan-validator.js';
import type { Verdict, Violation } from './types.js';

/** What the plugin does with an event that has violations. */
export type ViolationPolicy = 'hosted' | 'drop' | 'throw';

/** Options of {@link trackingPlanPlugin}. */
export interface TrackingPlanPluginOptions {
  /** From `createValidator` (run time) or `createCompiledValidator` (ahead of time). */
  validator: PlanValidator;
  /** What to do with an event that breaks the plan; default `hosted`. */
  policy?: ViolationPolicy;
}

/** Thrown at the call under the `throw` policy: the event broke the plan. */
export class TrackingPlanViolationError extends Error {
  /** Always `tracking_plan_violation`. */
  readonly code = 'tracking_plan_violation';
  /** The violations found. */
  readonly violations: Violation[];
  /** The event's `messageId`. */
  readonly messageId: string;
  constructor(messageId: string, label: string, violations: Violation[]) {
    const first = violations.slice(0, 3).map((v) => `${v.type}${v.meta.instancePath ? ` at ${v.meta.instancePath}` : ''}: ${v.message}`);
    super(`${label} breaks the tracking plan: ${first.join('; ')}${violations.length > 3 ? ` (and ${violations.length - 3} more)` : ''}`);
    this.name = 'TrackingPlanViolationError';
    this.violations = violations;
    this.messageId = messageId;
  }
}

/** The details a dropped event is emitted with (`'filtered'` payload `details`). */
export type TrackingPlanDropDetails = Pick<Verdict, 'violationType' | 'violationErrors' | 'trackingPlanId' | 'trackingPlanVersion'>;

function label(event: OutgoingEvent): string {
  return event.type === 'track' ? `track '${String(event.event)}'` : String(event.type);
}

/** A plugin that checks every event against a tracking plan. */
export function trackingPlanPlugin(options: TrackingPlanPluginOptions): Plugin {
  const { validator } = options;
  const policy = options.policy ?? 'hosted';
  if (!['hosted', 'drop', 'throw'].includes(policy)) throw new TypeError(`policy must be 'hosted', 'drop' or 'throw', not '${policy}'`);
  return {
    name: 'tracking-plan',
    beforeSend(event: OutgoingEvent): PluginVerdict {
      const { verdict, message } = validator.apply(event);
      const violated = verdict.violationErrors.length > 0;
      if (violated && policy === 'throw')
        return { action: 'reject', error: new TrackingPlanViolationError(event.messageId, label(event), verdict.violationErrors) };
      if ((policy === 'hosted' && verdict.dropEvent) || (policy === 'drop' && violated)) {
        const { violationType, violationErrors, trackingPlanId, trackingPlanVersion } = verdict;
        const details: TrackingPlanDropDetails = { violationType, violationErrors, trackingPlanId, trackingPlanVersion };
        return { action: 'drop', reason: `${label(event)}: ${violationType === 'None' ? verdict.violationErrors[0].type : violationType}`, details };
      }
      return message === event ? { action: 'keep' } : { action: 'replace', event: message };
    },
  };
}
