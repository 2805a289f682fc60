/**
 * The startup banner's tracking-plan lines: which plan file and which settings are in use, and a warning
 * per setting the hosted data plane would ignore without a word.
 */
import { basename } from 'node:path';
import type { PlanValidator, TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import type { TrackingPlanSource } from './tracking-plan.js';

/** The id layouts give a plan that names none: such a plan is shown by its file instead. */
const NO_ID = 'local';

/** What the banner says of the plan and its settings: lines to log, then warnings. */
export async function planBanner(
  validator: Pick<PlanValidator, 'plan' | 'config'>,
  plan: TrackingPlanSource,
  config: string | TrackingPlanConfig | undefined,
): Promise<{ info: string[]; warn: string[] }> {
  // Loaded already with the validator; imported here too so the package stays optional without a plan.
  const { describeSettings, settingsWarnings } = await import('@rudderanalytics/tracking-plan');
  const { id, version } = validator.plan;
  const file = typeof plan === 'string' ? plan : undefined;
  const shown = id === NO_ID ? `${file ? basename(file) : 'inline plan'} v${version}` : `${id} v${version}`;
  const info = [`  tracking plan: ${shown}${file ? ` (${file})` : ''}`];
  const settings = config === undefined ? 'none given: every violation reported, nothing dropped' : describeSettings(validator.config);
  info.push(`  tracking-plan settings: ${settings}${typeof config === 'string' ? ` (${config})` : ''}`);
  const warn = config === undefined ? [] : settingsWarnings(validator.config).map((w) => `  warning: --tracking-plan-config ${w}`);
  return { info, warn };
}
