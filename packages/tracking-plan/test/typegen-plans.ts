/** Test support: the real plans the typegen tests generate clients from. */
import { loadPlan, type TrackingPlan } from '../src/index.js';
import { fixture } from './fixtures.js';

/** The real plans, one per layout (each fixture file names its source repository, path and commit). */
export const REAL_PLANS: Record<string, TrackingPlan> = {
  // rudder-transformer's test plan: RudderStack rules{} layout.
  transformer: loadPlan(fixture('transformer-tracking-plan.json').plans.trackingPlan),
  // RudderTyper 2's example plan: rules.events[] with every event type.
  ruddertyper: loadPlan(fixture('typegen/ruddertyper-node-typescript.json').plan),
  // Typewriter's end-to-end plan: Segment Config API v1 (odd names, collisions, nullable and nested types).
  typewriterV1: loadPlan(fixture('typegen/typewriter-e2e-config-api-v1.json').plan),
  // Typewriter's test plan: Segment Public API layout.
  typewriterPublic: loadPlan(fixture('typegen/typewriter-public-api.json').plan),
};
