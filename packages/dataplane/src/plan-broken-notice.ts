/**
 * The live page's notice of a tracking plan started with `--tracking-plan-lenient` although some of
 * its schemas do not compile: those events pass unchecked, and the page says which they are.
 */
import type { BrokenPlanSchema } from './tracking-plan.js';

/** The notice's styles, for the page's nonce'd style block (the CSP allows no inline style attribute). */
export const PLAN_BANNER_STYLES = `  #plan-broken { margin:0; padding:8px 14px; border-bottom:1px solid var(--line); background:#3a2a1a; color:#ffd59b; }
  #plan-broken ul { margin:4px 0 0; padding-left:18px; }
  #plan-broken code { color:#fff; }
`;

/** Text for HTML element content and attribute values: the plan file is the user's, but still only text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The notice's markup; empty when every schema compiles. */
export function planBannerMarkup(broken: readonly BrokenPlanSchema[]): string {
  if (broken.length === 0) return '';
  const items = broken.map((b) => `<li><code>${escapeHtml(b.event)}</code>: ${escapeHtml(b.error)}</li>`).join('');
  const count = `${broken.length} schema${broken.length === 1 ? '' : 's'}`;
  const verb = broken.length === 1 ? 'does' : 'do';
  return `<section id="plan-broken" role="alert">Tracking plan: ${count} ${verb} not compile; these events are stored unchecked (started with --tracking-plan-lenient):<ul>${items}</ul></section>\n`;
}
