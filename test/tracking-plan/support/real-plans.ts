/**
 * Test support: real tracking plans, one or more per layout `loadPlan` reads, as the documents a user
 * would point `--plan` / `--tracking-plan` at. Each fixture file names its origin (repository, path,
 * commit): the `source` field of the JSON files, `fixtures/segment/SOURCE.md` for Segment's.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject, PlanLayout } from '@rudderanalytics/tracking-plan';

const FIXTURES = new URL('../../../packages/tracking-plan/test/fixtures/', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

/** One real plan document and the layout it is in. */
export interface RealPlan {
  /** A short file-name-safe label. */
  name: string;
  layout: PlanLayout;
  document: JsonObject;
}

/**
 * Segment's Public API layout of a plan (rules with whole-message schemas, no `eventMetadata`), made
 * from a Config API v1 export the way Typewriter converts one (segmentio/typewriter
 * src/api/trackingplans.ts `convertToV2Plan`, commit d8382953): each `rules.events[]` entry becomes a
 * TRACK rule keyed by its name.
 */
function publicApiFromV1(v1: JsonObject): JsonObject {
  const rules = v1.rules as { events: JsonObject[] };
  return {
    createdAt: v1.create_time,
    updatedAt: v1.update_time,
    name: v1.display_name,
    id: String(v1.name).split('/').pop(),
    description: '',
    slug: '',
    rules: rules.events.map((r) => ({ key: r.name, description: r.description, jsonSchema: r.rules, type: 'TRACK', version: r.version })),
  };
}

const transformerPlans = read('transformer-tracking-plan.json').plans;
const configApiV1 = read('segment/config-api-v1-plan.json');

/** The real plans, RudderStack's layouts first. */
export const REAL_PLANS: RealPlan[] = [
  // rudder-transformer's newer test plan (events[]: a track event and a group rule).
  { name: 'rudderstack-events', layout: 'rudderstack-events', document: read('transformer-event-validation.json').plans.newTrackingPlan },
  // rudder-transformer's test plan in the legacy rules{} shape, drafts 04 to 2019-09 (it carries a display_name).
  { name: 'rudderstack-legacy', layout: 'segment-config-api-v1', document: transformerPlans.trackingPlan },
  // rudder-transformer's legacy plan without a display_name: rules.identify.
  { name: 'rudderstack-legacy-identify', layout: 'rudderstack-rules', document: transformerPlans.trackingPlan2 },
  // RudderTyper 2's example plan.json: rules.events[] with every event type.
  { name: 'ruddertyper', layout: 'rudderstack-rules', document: read('typegen/ruddertyper-node-typescript.json').plan },
  // Typewriter's Config API v1 test plan.
  { name: 'segment-config-api-v1', layout: 'segment-config-api-v1', document: configApiV1 },
  // The same plan in the Public API layout, as Typewriter converts it.
  { name: 'segment-public-api', layout: 'segment-public-api', document: publicApiFromV1(configApiV1) },
  // Typewriter's test plan.json and its production telemetry plan.json (rules unwrapped to the properties).
  { name: 'typewriter', layout: 'typewriter', document: read('segment/typewriter-plan.json') },
  { name: 'typewriter-telemetry', layout: 'typewriter', document: read('segment/typewriter-telemetry-plan.json') },
];
