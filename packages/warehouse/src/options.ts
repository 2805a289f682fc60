// Options that change the tables: the destination's config and the event's integration options.
// From rudderlabs/rudder-server@f2655fbbe2260deb4e01c2a54da1a827291713bb,
// processor/internal/transformer/destination_transformer/embedded/warehouse/options.go and types.go:
// destination config skipTracksTable, skipUsersTable, underscoreDivideNumbers, allowUsersContextTraits,
// storeFullEvent, jsonPaths (comma-separated); `integrations.<DEST>.options` and
// `integrations.DATA_WAREHOUSE.options` (skipReservedKeywordsEscaping, skipTracksTable, skipUsersTable,
// useBlendoCasing, jsonPaths). A new hosted destination has underscoreDivideNumbers and
// allowUsersContextTraits unset (false); so do we by default.
import { DEST_TYPE, type Flavour } from './flavour.js';
import { isObject, lookup, type JsonObject } from './values.js';

/** The warehouse destination's settings that change the tables. */
export interface DestinationConfig {
  /** No `tracks` row for track events. */
  skipTracksTable?: boolean;
  /** No `users` row for identify events. */
  skipUsersTable?: boolean;
  /** Older destinations: letters and digits split (`v2` → `v_2`). */
  underscoreDivideNumbers?: boolean;
  /** Older destinations: identify's context.traits also unprefixed. */
  allowUsersContextTraits?: boolean;
  /** The whole event as JSON in `rudder_event`. */
  storeFullEvent?: boolean;
  /** Comma-separated JSON paths stored whole as JSON. */
  jsonPaths?: string;
}

export interface ResolvedOptions {
  skipTracksTable: boolean;
  skipUsersTable: boolean;
  underscoreDivideNumbers: boolean;
  allowUsersContextTraits: boolean;
  storeFullEvent: boolean;
  skipReservedKeywordsEscaping: boolean;
  useBlendoCasing: boolean;
  jsonPaths: string[];
}

const bool = (o: JsonObject | undefined, k: string): boolean => o?.[k] === true;

/**
 * The options for one event. Read only: without per-event integration options (most events) the
 * result depends on the flavour and the config alone, and one object per config and flavour is shared.
 */
export function resolveOptions(flavour: Flavour, message: JsonObject, config: DestinationConfig = NO_CONFIG): Readonly<ResolvedOptions> {
  const integrations = message.integrations;
  // Most events have no integration options for a warehouse: then nothing more is looked up.
  const intr = isObject(integrations) ? lookup(integrations, DEST_TYPE[flavour], 'options') : undefined;
  const dw = isObject(integrations) ? lookup(integrations, 'DATA_WAREHOUSE', 'options') : undefined;
  if (!isObject(intr) && !isObject(dw)) {
    let byFlavour = shared.get(config);
    if (!byFlavour) shared.set(config, (byFlavour = new Map()));
    const values = configValues(config);
    let entry = byFlavour.get(flavour);
    if (!entry || entry.values.some((v, i) => v !== values[i])) {
      byFlavour.set(flavour, (entry = { values, opts: Object.freeze(resolve(flavour, undefined, undefined, config)) }));
    }
    return entry.opts;
  }
  return resolve(flavour, intr, dw, config);
}

const NO_CONFIG: DestinationConfig = {};
// Keyed by the config object (a loader passes the same one for every event), with the values it was
// resolved from: a config edited between events is resolved again.
const shared = new WeakMap<DestinationConfig, Map<Flavour, { values: unknown[]; opts: Readonly<ResolvedOptions> }>>();
const configValues = (c: DestinationConfig): unknown[] => [
  c.skipTracksTable,
  c.skipUsersTable,
  c.underscoreDivideNumbers,
  c.allowUsersContextTraits,
  c.storeFullEvent,
  c.jsonPaths,
];

function resolve(flavour: Flavour, intr: unknown, dw: unknown, config: DestinationConfig): ResolvedOptions {
  const io = isObject(intr) ? intr : undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const intrPaths = strings(io?.jsonPaths);
  const dwPaths = isObject(dw) ? strings(dw.jsonPaths) : [];
  const configPaths = typeof config.jsonPaths === 'string' && config.jsonPaths ? config.jsonPaths.split(',') : [];
  return {
    skipTracksTable: bool(io, 'skipTracksTable') || config.skipTracksTable === true,
    skipUsersTable: bool(io, 'skipUsersTable') || config.skipUsersTable === true,
    underscoreDivideNumbers: config.underscoreDivideNumbers === true,
    allowUsersContextTraits: config.allowUsersContextTraits === true,
    storeFullEvent: config.storeFullEvent === true,
    skipReservedKeywordsEscaping: bool(io, 'skipReservedKeywordsEscaping'),
    useBlendoCasing: bool(io, 'useBlendoCasing'),
    jsonPaths: [...dwPaths, ...intrPaths, ...configPaths],
  };
}
