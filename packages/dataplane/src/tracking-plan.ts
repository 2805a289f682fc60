/**
 * `--tracking-plan`: the local data plane checks what it ingests the way the hosted processor does
 * (rudder-server processor/trackingplan.go): every event of a validated type gets
 * `context.trackingPlanId`, `trackingPlanVersion` and `violationErrors`; an event the settings drop is
 * still stored (the hosted one keeps it among processor errors), marked with a top-level
 * `trackingPlanVerdict: { dropEvent: true, violationType }`, so nothing is silently gone.
 * `/api/events?violation=any|dropped|<violation type>` finds them.
 */
import { readFileSync } from 'node:fs';
import type { PlanValidator, TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import type { PreparedEvent } from './ingest.js';

/** The `trackingPlan` option: a file path, or the plan document itself (any layout). */
export type TrackingPlanSource = string | Record<string, unknown>;

/** The stored field that marks an event the plan's settings drop. */
export const VERDICT_FIELD = 'trackingPlanVerdict';

function readJson(source: string | Record<string, unknown>, what: string): unknown {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${source}: ${(error as Error).message}`, { cause: error });
  }
}

/** Loads the plan and its settings; the tracking-plan package (and ajv) load only when a plan is given. */
export async function loadPlanValidator(plan: TrackingPlanSource, config?: string | TrackingPlanConfig): Promise<PlanValidator> {
  const { createValidator, loadPlan } = await import('@rudderanalytics/tracking-plan');
  const settings =
    config === undefined ? undefined : (readJson(config as string | Record<string, unknown>, '--tracking-plan-config') as TrackingPlanConfig);
  return createValidator(loadPlan(readJson(plan, '--tracking-plan')), settings ? { config: settings } : {});
}

/** Checks and annotates prepared events in place, before they are stored. */
export function applyTrackingPlan(validator: PlanValidator, events: PreparedEvent[]): void {
  for (const prepared of events) {
    const event = JSON.parse(prepared.json);
    const { verdict, message } = validator.apply(event);
    if (!verdict.dropEvent && message === event) continue;
    const stored = verdict.dropEvent ? { ...message, [VERDICT_FIELD]: { dropEvent: true, violationType: verdict.violationType } } : message;
    prepared.json = JSON.stringify(stored);
  }
}

/**
 * The SQL condition (on the stored `json`) of a `violation` filter: `any` (at least one violation),
 * `dropped` (dropped by the settings), or a violation type such as `Required-Missing`.
 */
export function violationClause(violation: string): { sql: string; params: string[] } {
  if (violation === 'dropped') return { sql: `json_extract(json, '$.${VERDICT_FIELD}.dropEvent') = 1`, params: [] };
  if (violation === 'any') return { sql: "json_array_length(json, '$.context.violationErrors') > 0", params: [] };
  // json_each has a column named json too: the outer one must be qualified.
  return {
    sql: "EXISTS (SELECT 1 FROM json_each(events.json, '$.context.violationErrors') AS v WHERE json_extract(v.value, '$.type') = ?)",
    params: [violation],
  };
}

/** The same condition on an event's JSON text, for live streams (which match without the database). */
export function violationMatches(violation: string, json: string): boolean {
  const e = JSON.parse(json) as { context?: { violationErrors?: Array<{ type?: string }> }; [VERDICT_FIELD]?: { dropEvent?: boolean } };
  if (violation === 'dropped') return e[VERDICT_FIELD]?.dropEvent === true;
  const list = Array.isArray(e.context?.violationErrors) ? e.context!.violationErrors! : [];
  return violation === 'any' ? list.length > 0 : list.some((v) => v?.type === violation);
}
