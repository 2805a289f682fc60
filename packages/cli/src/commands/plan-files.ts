/** Reads the files `rudder plan` takes: a plan in any layout, a source's tracking-plan config. */
import { readFileSync } from 'node:fs';
import { brokenSchemas, eventLabel, loadPlan, settingsWarnings, type TrackingPlan, type TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import { UsageError } from '../errors.js';
import { stderr } from '../output.js';

/** Parses a JSON file; an unreadable or invalid one is a usage error naming the flag. */
export function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'plan');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: invalid JSON: ${(error as Error).message}`, 'plan');
  }
}

/** A plan file in any layout {@link loadPlan} knows. */
export function readPlan(path: string, flag = '--plan'): TrackingPlan {
  try {
    return loadPlan(readJsonFile(path, flag));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag} ${path}: ${(error as Error).message}`, 'plan');
  }
}

/** A `--config` file (`{"global": {...}, "track": {...}}`); keys and values the server would ignore are warned about. */
export function readConfig(path: string | undefined): TrackingPlanConfig | undefined {
  if (path === undefined) return undefined;
  const config = readJsonFile(path, '--config');
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new UsageError(`--config ${path}: expected a JSON object`, 'plan');
  for (const w of settingsWarnings(config as TrackingPlanConfig)) stderr.write(`warning: --config ${w}\n`);
  return config as TrackingPlanConfig;
}

/**
 * Refuses a plan with schemas that do not compile (the hosted data plane would let their events pass
 * unchecked): one line per schema on stderr, naming the file and the event, then a usage error (exit 2).
 */
export function requireCompiles(plan: TrackingPlan, path: string, config: TrackingPlanConfig | undefined, flag = '--plan'): void {
  const broken = brokenSchemas(plan, config);
  if (broken.length === 0) return;
  for (const b of broken) stderr.write(`error: ${flag} ${path}: the schema for ${eventLabel(b)} does not compile: ${b.error}\n`);
  const count = `${broken.length} schema${broken.length === 1 ? '' : 's'}`;
  throw new UsageError(`${flag} ${path}: ${count} of the plan cannot be applied; nothing was checked`, 'plan');
}
