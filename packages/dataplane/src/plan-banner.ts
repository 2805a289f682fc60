/**
 * The startup banner's tracking-plan lines: which plan file and which settings are in use, and a warning
 * per setting the hosted data plane would ignore without a word.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { PlanValidator, TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import type { TrackingPlanSource } from './tracking-plan.js';

/** The id layouts give a plan that names none: such a plan is shown by its name, else by its file. */
const NO_ID = 'local';

/** The plan's name, read again from the document the validator was built from (it loaded once already). */
function planName(source: TrackingPlanSource, load: (doc: unknown) => { name?: string }): string | undefined {
  try {
    return load(typeof source === 'string' ? JSON.parse(readFileSync(source, 'utf8')) : source).name;
  } catch {
    return undefined;
  }
}

/** What the banner says of the plan and its settings: lines to log, then warnings. */
export async function planBanner(
  validator: Pick<PlanValidator, 'plan' | 'config'>,
  plan: TrackingPlanSource,
  config: string | TrackingPlanConfig | undefined,
): Promise<{ info: string[]; warn: string[] }> {
  // Loaded already with the validator; imported here too so the package stays optional without a plan.
  const { describeSettings, loadPlan, settingsWarnings } = await import('@rudderanalytics/tracking-plan');
  const { id, version } = validator.plan;
  const file = typeof plan === 'string' ? plan : undefined;
  const name = planName(plan, loadPlan);
  const label = [id === NO_ID ? undefined : id, name === undefined ? undefined : JSON.stringify(name)].filter(Boolean).join(' ');
  const shown = `${label || (file ? basename(file) : 'inline plan')} v${version}`;
  const info = [`  tracking plan: ${shown}${file ? ` (${file})` : ''}`];
  const settings = config === undefined ? 'none given: every violation reported, nothing dropped' : describeSettings(validator.config);
  info.push(`  tracking-plan settings: ${settings}${typeof config === 'string' ? ` (${config})` : ''}`);
  const warn = config === undefined ? [] : settingsWarnings(validator.config).map((w) => `  warning: --tracking-plan-config ${w}`);
  return { info, warn };
}
