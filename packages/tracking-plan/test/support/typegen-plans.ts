/** Test support: the real plans the typegen tests generate clients from. */
import { loadPlan, type TrackingPlan } from '../../src/index.js';
import { fixture } from './fixtures.js';

/** The real plans, in four layouts (each fixture file names its source repository, path and commit). */
export const REAL_PLANS: Record<string, TrackingPlan> = {
  // rudder-transformer's test plan: the legacy rules{} shape with a display_name (Segment Config API v1 layout).
  transformer: loadPlan(fixture('transformer-tracking-plan.json').plans.trackingPlan),
  // rudder-transformer's newer test plan: RudderStack events[] layout, a track event and a group rule.
  transformerEvents: loadPlan(fixture('transformer-event-validation.json').plans.newTrackingPlan),
  // RudderTyper 2's example plan: RudderStack rules{} layout, rules.events[] with every event type.
  ruddertyper: loadPlan(fixture('typegen/ruddertyper-node-typescript.json').plan),
  // Typewriter's end-to-end plan: Segment Config API v1 (odd names, collisions, nullable and nested types).
  typewriterV1: loadPlan(fixture('typegen/typewriter-e2e-config-api-v1.json').plan),
  // Typewriter's test plan: Segment Public API layout.
  typewriterPublic: loadPlan(fixture('typegen/typewriter-public-api.json').plan),
};
