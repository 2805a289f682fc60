/**
 * `rudder typegen`: a tracking plan becomes a TypeScript module of typed calls over the SDK client,
 * with the plan's validators compiled in (optional) and a header naming the plan and its hash.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_CONFIG } from '../settings.js';
import type { TrackingPlan, TrackingPlanConfig } from '../types.js';
import { plannedCalls } from './calls.js';
import { emitClient } from './emit.js';

/** Options of {@link generateClient}. */
export interface TypegenOptions {
  /** Compile the plan's validators into the file and export `planPlugin()` (default true). */
  validate?: boolean;
  /** The source's tracking-plan config baked in as the plugin's default settings (its `ajvOptions` shape the compiled code). */
  config?: TrackingPlanConfig;
}

/** Bumped when the generated code changes for the same plan, so `--check` sees files from an older generator as stale. */
const GENERATOR_VERSION = 1;

/** The hash the header names: the plan's events, id and version, the options, and the generator's version. */
export function planHash(plan: TrackingPlan, options: TypegenOptions = {}): string {
  const { id, version, events } = plan;
  // Key order is kept: it decides the order ajv reports violations in, so it is part of the plan.
  const input = JSON.stringify({
    generator: GENERATOR_VERSION,
    id,
    version,
    events,
    validate: options.validate ?? true,
    config: options.config ?? null,
  });
  return `sha256:${createHash('sha256').update(input).digest('hex')}`;
}

/** The source of a typed client for a plan: the same plan and options always give the same text. */
export function generateClient(plan: TrackingPlan, options: TypegenOptions = {}): string {
  return emitClient({
    plan,
    calls: plannedCalls(plan),
    hash: planHash(plan, options),
    validate: options.validate ?? true,
    config: options.config ?? DEFAULT_CONFIG,
  });
}

/** Whether `existing` (a generated file's text, or undefined when there is none) is what the plan generates now. */
export function isUpToDate(existing: string | undefined, plan: TrackingPlan, options: TypegenOptions = {}): boolean {
  return existing === generateClient(plan, options);
}

export { camelCase, identifiers, pascalCase } from './names.js';
export { schemaType } from './schema-type.js';
export { plannedCalls } from './calls.js';
export type { CallField, PlannedCall, PlannedCallType } from './calls.js';
