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

/**
 * A tracking plan the data plane cannot apply: unreadable, not JSON, no known layout, or (unless
 * lenient) a schema that does not compile. `problems` has one line per problem, each naming the file.
 */
export class TrackingPlanError extends Error {
  /** One sentence per problem. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'TrackingPlanError';
    this.problems = problems;
  }
}

/** A planned event whose schema does not compile, as the banner and the live page show it. */
export interface BrokenPlanSchema {
  /** `track 'Order Completed'`, or the event type alone. */
  event: string;
  /** Why the schema does not compile. */
  error: string;
}

/** The plan ready to apply, and the schemas it was started with although they do not compile (lenient). */
export interface LoadedPlan {
  validator: PlanValidator;
  broken: BrokenPlanSchema[];
}

function readJson(source: string | Record<string, unknown>, what: string): unknown {
  if (typeof source !== 'string') return source;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrackingPlanError([`${what} ${source}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TrackingPlanError([`${what} ${source}: invalid JSON: ${(error as Error).message}`]);
  }
}

/** How a plan source is named in messages: its path, or "(document)" for one given inline. */
const nameOf = (source: TrackingPlanSource) => (typeof source === 'string' ? source : '(document)');

/**
 * Loads the plan and its settings; the tracking-plan package (and ajv) load only when a plan is given.
 * Every schema is compiled up front: one that does not compile is a {@link TrackingPlanError} unless
 * `lenient`, when it is returned in `broken` and its events pass unchecked, as the hosted data plane
 * lets them pass.
 */
export async function loadPlanValidator(plan: TrackingPlanSource, config?: string | TrackingPlanConfig, lenient = false): Promise<LoadedPlan> {
  const { brokenSchemas, createValidator, eventLabel, loadPlan } = await import('@rudderanalytics/tracking-plan');
  const settings =
    config === undefined ? undefined : (readJson(config as string | Record<string, unknown>, '--tracking-plan-config') as TrackingPlanConfig);
  let loaded;
  try {
    loaded = loadPlan(readJson(plan, '--tracking-plan'));
  } catch (error) {
    if (error instanceof TrackingPlanError) throw error;
    throw new TrackingPlanError([`--tracking-plan ${nameOf(plan)}: ${(error as Error).message}`]);
  }
  const broken = brokenSchemas(loaded, settings).map((b) => ({ event: eventLabel(b), error: b.error }));
  if (broken.length > 0 && !lenient) {
    throw new TrackingPlanError([
      ...broken.map((b) => `--tracking-plan ${nameOf(plan)}: the schema for ${b.event} does not compile: ${b.error}`),
      `--tracking-plan ${nameOf(plan)}: ${broken.length} schema${broken.length === 1 ? '' : 's'} cannot be applied; fix the plan, or start with --tracking-plan-lenient (trackingPlanLenient: true) to let those events through unchecked`,
    ]);
  }
  return { validator: createValidator(loaded, settings ? { config: settings } : {}), broken };
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
