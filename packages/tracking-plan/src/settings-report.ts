/**
 * What a tracking-plan config says, checked and in words: keys and values the hosted data plane would
 * ignore without a word (a misspelled `anyOtherViolaton`, a scope `Track`), with the closest known name,
 * and the settings in effect for a startup banner.
 */
import { DEFAULT_CONFIG, unknownSettings } from './settings.js';
import type { TrackingPlanConfig } from './types.js';

/** The setting keys rudder-transformer (src/util/eventValidation.js) and rudder-server (propagateValidationErrors) read. */
export const SETTING_KEYS = [
  'allowUnplannedEvents',
  'unplannedProperties',
  'anyOtherViolation',
  'sendViolatedEventsTo',
  'propagateValidationErrors',
  'ajvOptions',
];

/** The scopes of a config: `global` and the event types the hosted validator checks. */
export const SETTING_SCOPES = ['global', 'track', 'identify', 'page', 'screen', 'group'];

const VALUES: Record<string, string> = {
  allowUnplannedEvents: '"true" or "false"',
  unplannedProperties: '"forward" or "drop"',
  anyOtherViolation: '"forward" or "drop"',
  sendViolatedEventsTo: '"procerrors"',
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known name closest to `name` (case aside), when it is close enough to be a slip. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/**
 * One line per key or value of `config` that the hosted data plane would ignore: `scope.key: …`, naming
 * the closest known key or the values allowed. Empty when everything is understood.
 */
export function settingsWarnings(config: TrackingPlanConfig): string[] {
  const out: string[] = [];
  const hint = (name: string, known: readonly string[]) => {
    const near = closest(name, known);
    return near ? `; did you mean '${near}'?` : `; known: ${known.join(', ')}`;
  };
  for (const [scope, settings] of Object.entries(config)) {
    if (!SETTING_SCOPES.includes(scope)) {
      out.push(`${scope}: unknown scope (ignored, as the hosted data plane does)${hint(scope, SETTING_SCOPES)}`);
      continue;
    }
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      out.push(`${scope}: expected an object of settings`);
      continue;
    }
    for (const key of Object.keys(settings)) {
      if (!SETTING_KEYS.includes(key))
        out.push(`${scope}.${key}: unknown setting (ignored, as the hosted data plane does)${hint(key, SETTING_KEYS)}`);
    }
  }
  for (const u of unknownSettings(config)) {
    const key = u.key.slice(u.key.indexOf('.') + 1);
    if (!SETTING_SCOPES.includes(u.key.slice(0, u.key.indexOf('.')))) continue;
    out.push(`${u.key}: unknown value '${u.value}' (ignored, as the hosted data plane does); expected ${VALUES[key]}`);
  }
  return out;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The settings in effect, in one line: `global` with every deciding key (defaults filled in), then
 * each event type's overrides as given; keys and scopes the server ignores are left out (they are
 * warned about). An empty config checks nothing, as on the hosted data plane.
 */
export function describeSettings(config: TrackingPlanConfig): string {
  if (Object.keys(config).length === 0) return 'empty: no event is checked (the hosted data plane skips a source with an empty config)';
  const parts: string[] = [];
  if (typeof config.global === 'object' && config.global !== null) {
    // Within a given scope an unset key neither drops nor stops the annotation: the defaults' values.
    const global = { ...(DEFAULT_CONFIG.global ?? {}), ...config.global };
    const shown = Object.entries(global).filter(
      ([k, v]) => SETTING_KEYS.includes(k) && (k !== 'ajvOptions' || (typeof v === 'object' && v !== null && Object.keys(v).length > 0)),
    );
    parts.push(`global ${shown.map(([k, v]) => `${k}=${text(v)}`).join(', ')}`);
  } else parts.push('no global (event types not listed are not checked)');
  for (const [scope, settings] of Object.entries(config)) {
    if (scope === 'global' || !SETTING_SCOPES.includes(scope) || typeof settings !== 'object' || settings === null) continue;
    const given = Object.entries(settings)
      .filter(([k]) => SETTING_KEYS.includes(k))
      .map(([k, v]) => `${k}=${text(v)}`);
    if (given.length) parts.push(`${scope} ${given.join(', ')}`);
  }
  return parts.join('; ');
}
