/**
 * The sample plan the plugin, live-page and runtime suites share: one tracked event, `Order Completed`,
 * whose `total` must be a number and whose optional `email` must be an email; unplanned events are
 * refused and every other violation forwarded with its errors (the hosted settings most people use).
 */
import type { TrackingPlanConfig } from '../../src/types.js';
import { fixture } from './fixtures.js';

/** The plan as a tracking-plan API answer (`loadPlan` takes it; the data plane reads it from a file). */
export const SAMPLE_PLAN = fixture<{ id: string; version: number; events: unknown[] }>('order-completed-plan.json');

/** The settings the suites run it with. */
export const SAMPLE_CONFIG: TrackingPlanConfig = {
  global: { allowUnplannedEvents: 'false', anyOtherViolation: 'forward', propagateValidationErrors: 'true' },
};
