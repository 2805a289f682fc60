/**
 * The middleware seam: ordered plugins that see each event after validation and enrichment, before
 * it is serialized, and may keep it, replace it (enrich, redact, annotate), drop it, or reject the
 * call. Plugins run synchronously at the call, so `track()` still returns at once with the messageId
 * and events keep their order. A plugin that throws is reported and skipped (the event goes on as it
 * was), never thrown into the caller; only a deliberate `reject` makes the call throw.
 */
import { ConfigError, RudderError } from './errors.js';
import { findUnserializable } from './serializable.js';
import type { EventType, JsonObject } from './types.js';

/**
 * The event as the data plane will receive it (without `sentAt`, added at send time). `type` is one of
 * the six call types, or whatever `send()` was given for an item the gateway would take as is.
 */
export type OutgoingEvent = JsonObject & {
  /** The event's type: one of the six, or what `send()` was given. */
  readonly type: EventType | (string & {});
  /** The event's id: the caller's, or the UUID v4 the SDK generated. */
  readonly messageId: string;
};

/** What a plugin decides for one event. Returning nothing (undefined) keeps the event as it is. */
export type PluginVerdict =
  | {
      /** Keep the event as it is. */
      action: 'keep';
    }
  /** Send this event instead: a new object (do not mutate the one received; its nested objects are the caller's). */
  | {
      /** Send `event` instead. */
      action: 'replace';
      /** The event to send in its place. */
      event: JsonObject;
    }
  /** Do not send it: counted in `stats().filtered` and emitted as `'filtered'` with `reason` and `details`. */
  | {
      /** Do not send the event. */
      action: 'drop';
      /** Why, for the `'filtered'` payload and the stats. */
      reason: string;
      /** Anything that explains the drop (e.g. validation errors), passed on in the `'filtered'` payload. */
      details?: unknown;
    }
  /** Make the call throw `error` (or `send()` reject with it); nothing of the call is queued. For tests and CI. */
  | {
      /** Refuse the call. */
      action: 'reject';
      /** What the call throws (or `send()` rejects with). */
      error: Error;
    };

/** A named plugin. */
export interface Plugin {
  /** Names the plugin in `'filtered'` payloads and `PluginError`s. */
  readonly name: string;
  /** Sees each event once, in plugin order; returns what to do with it (nothing: keep it as it is). */
  beforeSend(event: OutgoingEvent): PluginVerdict | void;
}

/** A plugin, or a bare function (named after the function). */
export type PluginInput = Plugin | ((event: OutgoingEvent) => PluginVerdict | void);

/** Payload of `'filtered'`: an event a plugin dropped. */
export interface FilteredInfo {
  /** The name of the plugin that dropped the event. */
  plugin: string;
  /** The dropped event's `messageId`. */
  messageId: string;
  /** The dropped event's type. */
  type: OutgoingEvent['type'];
  /** The reason the plugin gave. */
  reason: string;
  /** The details the plugin gave, if any. */
  details?: unknown;
}

/** A plugin threw, returned something that is not a verdict, or an event that cannot be sent. Emitted as `'pluginError'`. */
export class PluginError extends RudderError {
  /** The name of the plugin. */
  readonly plugin: string;
  /** The `messageId` of the event being processed. */
  readonly messageId: string;
  /** What the plugin threw, if it threw. */
  readonly cause?: unknown;
  constructor(plugin: string, messageId: string, problem: string, cause?: unknown) {
    super('plugin_error', `plugin '${plugin}' on event ${messageId}: ${problem}; the event went on without this plugin's change`);
    this.plugin = plugin;
    this.messageId = messageId;
    if (cause !== undefined) this.cause = cause;
  }
}

/** Where the chain reports what is not the caller's business. */
export interface PluginReports {
  filtered(info: FilteredInfo): void;
  error(error: PluginError): void;
}

/** An event dropped by a plugin: what `runPlugins` returns instead of the event. */
export interface Filtered {
  readonly filtered: FilteredInfo;
}

function normalise(input: PluginInput, index: number): Plugin {
  if (typeof input === 'function') return { name: input.name || `plugin #${index}`, beforeSend: input };
  if (typeof input === 'object' && input !== null && typeof input.beforeSend === 'function') {
    return { name: typeof input.name === 'string' && input.name !== '' ? input.name : `plugin #${index}`, beforeSend: input.beforeSend.bind(input) };
  }
  throw new ConfigError(`plugins[${index}] must be a function or an object with a beforeSend function`);
}

/** Checks the `plugins` option. Throws ConfigError for an entry that is no plugin. */
export function resolvePlugins(plugins: unknown): Plugin[] {
  if (plugins === undefined) return [];
  if (!Array.isArray(plugins)) throw new ConfigError('plugins must be an array');
  return plugins.map(normalise);
}

function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Why a replacement cannot be sent, or undefined when it can. */
function replacementProblem(next: unknown, current: OutgoingEvent): string | undefined {
  if (!isPlainObject(next)) return 'replace needs a plain object';
  if (next.type !== current.type) return `replace may not change type (${current.type})`;
  if (typeof next.messageId !== 'string' || next.messageId === '') return 'replace needs a messageId string';
  const bad = findUnserializable(next, 'event');
  return bad ? `${bad.path}: ${bad.rule}` : undefined;
}

/**
 * Runs the plugins in order over one enriched event. Returns the event to serialize, or a
 * {@link Filtered} when one dropped it (later plugins do not see it). Throws only what a plugin
 * deliberately rejects with.
 */
export function runPlugins(plugins: readonly Plugin[], event: OutgoingEvent, reports: PluginReports): OutgoingEvent | Filtered {
  let current = event;
  for (const plugin of plugins) {
    let verdict: PluginVerdict | void;
    try {
      verdict = plugin.beforeSend(current);
    } catch (error) {
      reports.error(new PluginError(plugin.name, current.messageId, `threw ${error instanceof Error ? error.message : String(error)}`, error));
      continue;
    }
    if (verdict === undefined || verdict === null) continue;
    switch ((verdict as PluginVerdict).action) {
      case 'keep':
        continue;
      case 'replace': {
        const next = (verdict as { event: unknown }).event;
        const problem = replacementProblem(next, current);
        if (problem) reports.error(new PluginError(plugin.name, current.messageId, problem));
        else current = next as OutgoingEvent;
        continue;
      }
      case 'drop': {
        const { reason, details } = verdict as { reason: unknown; details?: unknown };
        const info: FilteredInfo = { plugin: plugin.name, messageId: current.messageId, type: current.type, reason: String(reason) };
        if (details !== undefined) info.details = details;
        reports.filtered(info);
        return { filtered: info };
      }
      case 'reject': {
        const error = (verdict as { error: unknown }).error;
        throw error instanceof Error ? error : new PluginError(plugin.name, current.messageId, `rejected the call with ${String(error)}`);
      }
      default:
        reports.error(new PluginError(plugin.name, current.messageId, `returned ${JSON.stringify(verdict)}, not a verdict`));
    }
  }
  return current;
}

/** Whether `runPlugins` dropped the event. */
export function isFiltered(value: unknown): value is Filtered {
  return typeof value === 'object' && value !== null && 'filtered' in value;
}
