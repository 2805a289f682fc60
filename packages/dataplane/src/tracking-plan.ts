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
import { editObject, memberText } from './json-text.js';
import { stringifyJson } from './serialize.js';

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

/** The context fields the plan writes (rudder-server's reportViolations), in its order. */
const CONTEXT_FIELDS = ['trackingPlanId', 'trackingPlanVersion', 'violationErrors'] as const;

/**
 * Checks and annotates prepared events in place, before they are stored. The verdict goes to the event's
 * own columns (what `violation=` filters on); the annotation is spliced into the stored text, so the rest
 * of the event keeps the client's exact bytes. An event the validator cannot check (nested deeper than its
 * stack allows) is stored unannotated with a `Validation-Error` verdict rather than refused: the gateway
 * accepted it.
 */
export function applyTrackingPlan(validator: PlanValidator, events: PreparedEvent[]): void {
  for (const prepared of events) {
    const event = JSON.parse(prepared.json) as Record<string, unknown>;
    let result: ReturnType<PlanValidator['apply']>;
    try {
      result = validator.apply(event);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      prepared.planViolations = `,${UNCHECKED_TYPE},`;
      continue;
    }
    const { verdict, message } = result;
    const types = verdict.violationErrors.map((v) => v.type);
    prepared.planViolations = types.length === 0 ? '' : `,${types.join(',')},`;
    prepared.planDropped = verdict.dropEvent ? (verdict.violationType ?? UNCHECKED_TYPE) : null;
    const set = new Map<string, string>();
    if (message !== event && message.context !== event.context)
      set.set('context', contextText(prepared.json, message.context as Record<string, unknown>));
    if (verdict.dropEvent) set.set(VERDICT_FIELD, JSON.stringify({ dropEvent: true, violationType: verdict.violationType }));
    if (set.size > 0) prepared.json = editObject(prepared.json, set);
  }
}

/** The violation type of an event too deep for the validator to check. */
export const UNCHECKED_TYPE = 'Validation-Error';

/** The annotated context: the stored one with the plan's fields set, or (none before) the new one whole. */
function contextText(json: string, annotated: Record<string, unknown>): string {
  const before = memberText(json, 'context');
  if (before === undefined || before === 'null') return stringifyJson(annotated);
  const set = new Map<string, string>();
  for (const k of CONTEXT_FIELDS) if (annotated[k] !== undefined) set.set(k, stringifyJson(annotated[k]));
  return editObject(before, set);
}

/** Violation types are words and dashes; anything else cannot be one (and must not reach the LIKE pattern). */
const TYPE_SHAPE = /^[A-Za-z0-9_-]+$/;

/**
 * The SQL condition (on the event's verdict columns, never inside its JSON) of a `violation` filter:
 * `any` (at least one violation), `dropped` (dropped by the settings), or a violation type such as `Required-Missing`.
 */
export function violationClause(violation: string): { sql: string; params: string[] } {
  if (violation === 'dropped') return { sql: 'plan_dropped IS NOT NULL', params: [] };
  if (violation === 'any') return { sql: "plan_violations <> ''", params: [] };
  if (!TYPE_SHAPE.test(violation)) return { sql: '0', params: [] };
  return { sql: 'instr(plan_violations, ?) > 0', params: [`,${violation},`] };
}

/** The same condition on a freshly stored row's columns, for live streams (which match without the database). */
export function violationMatches(violation: string, row: { plan_violations: string | null; plan_dropped: string | null }): boolean {
  if (violation === 'dropped') return row.plan_dropped !== null;
  const list = row.plan_violations ?? '';
  return violation === 'any' ? list !== '' : list.includes(`,${violation},`);
}
