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
import { VERDICT_FIELD, type PreparedEvent } from './ingest.js';
import { editObject, memberText } from './json-text.js';
import { stringifyJson } from './serialize.js';

/** The `trackingPlan` option: a file path, or the plan document itself (any layout). */
export type TrackingPlanSource = string | Record<string, unknown>;

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
