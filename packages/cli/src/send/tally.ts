/**
 * The end-of-run account of `rudder send`: what was delivered unchanged and with warnings (counted per
 * warning), what was refused and why (counted per rule), and, after an interruption, what may have been
 * delivered apart from what was not. Bounded: a rule with values in it (a parser's position, a size)
 * makes new keys, so past MAX_KEYS the rest are counted under "other".
 */
import type { CallWarning } from 'rudderanalytics';
import type { Counts } from './progress.js';

const MAX_KEYS = 50;
const n = (v: number) => v.toLocaleString('en-US');

export class Tally {
  private withWarnings = 0;
  private readonly warnings = new Map<string, number>();
  private readonly refusals = new Map<string, number>();
  private unknown = 0;
  private notDelivered = 0;

  /** A delivered event and the warnings its call raised. */
  delivered(warnings: readonly CallWarning[] | undefined): void {
    if (!warnings) return;
    this.withWarnings++;
    for (const w of warnings) bump(this.warnings, `${w.field.replace(/^batch\[\d+\]\./, '')}: ${w.rule}`);
  }

  /** A refused line, by its reason. */
  refused(reason: string): void {
    bump(this.refusals, reason.startsWith('invalid JSON') ? 'invalid JSON' : reason.replace(/^batch\[\d+\]\./, ''));
  }

  /** An event not settled at an interruption: `unknown` when its request got no answer. */
  interrupted(unknown: boolean): void {
    if (unknown) this.unknown++;
    else this.notDelivered++;
  }

  /** The lines printed before the summary line. */
  lines(counts: Counts, dryRun: boolean): string[] {
    const out: string[] = [];
    const accepted = dryRun ? counts.read - counts.invalid : counts.delivered;
    if (accepted > 0)
      out.push(
        `${dryRun ? 'valid' : 'delivered'} ${n(accepted)}: ${n(accepted - this.withWarnings)} unchanged, ${n(this.withWarnings)} with warnings (delivered as given)`,
      );
    for (const [key, count] of sorted(this.warnings)) out.push(`  warning ×${n(count)}  ${key}`);
    if (this.refusals.size > 0) out.push(`refused ${n(counts.invalid)}:`);
    for (const [key, count] of sorted(this.refusals)) out.push(`  refused ×${n(count)}  ${key}`);
    if (this.unknown + this.notDelivered > 0) {
      out.push(
        `interrupted: ${n(this.unknown)} event(s) may have been delivered (in a request that got no answer; marked "delivery":"unknown"), ` +
          `${n(this.notDelivered)} were not delivered (marked "delivery":"no")`,
      );
    }
    return out;
  }
}

function bump(map: Map<string, number>, key: string): void {
  const k = map.has(key) || map.size < MAX_KEYS ? key : 'other';
  map.set(k, (map.get(k) ?? 0) + 1);
}

function sorted(map: Map<string, number>): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1]);
}
