/**
 * The client: the public API over the pipeline. Calls are prepared (validated, enriched, serialized)
 * synchronously, queued, and handed to the dispatcher, which batches, sends and retries them.
 */
import { nowIso } from './clock.js';
import { Dispatcher, type RetryInfo } from './dispatcher.js';
import { Emitter } from './emitter.js';
import { LogLimit } from './log-limit.js';
import { ClosedError, ConfigError, DeliveryError, DroppedError } from './errors.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { prepareCall, prepareSendable, type PrepareEnv } from './prepare.js';
import type { Journal } from './journal.js';
import { isFiltered, resolvePlugins, type FilteredInfo, type PluginError, type PluginInput } from './middleware.js';
import type { QueuedEvent } from './encode.js';
import type { CallWarning } from './validate.js';
import type { AliasCall, EventType, GroupCall, IdentifyCall, PageCall, ScreenCall, Sendable, TrackCall } from './types.js';
import { randomUuid } from './uuid.js';

/** `process.on`/`off` where a runtime has them: the core is typed without Node. */
type ProcessListen = (event: string, listener: () => void) => unknown;

/**
 * Counters since the client was created. They always balance:
 * `accepted + replayed = delivered + failed + dropped + queued + inFlight + persisted`.
 */
export interface Stats {
  /** Events of calls that passed validation and were not refused by `overflow: 'throw'`. */
  accepted: number;
  /** Events a durable store gave back (left undelivered by an earlier run, or taken over from another process). */
  replayed: number;
  /** Waiting for a batch. */
  queued: number;
  /** In a request, or waiting to be retried. */
  inFlight: number;
  /** Accepted by the data plane (2xx). */
  delivered: number;
  /** Retry attempts made (requests, not events). */
  retried: number;
  /** Finally not delivered: refused by the data plane, or retries used up. */
  failed: number;
  /** Dropped by the overflow policy, or by `close()` running out of time without a durable store. */
  dropped: number;
  /** Left in the durable store by `close()` running out of time: delivered after the next start. */
  persisted: number;
  /** Only with `plugins`: events a plugin dropped at the call, before being accepted (not part of `accepted`). */
  filtered?: number;
}

/** Payload of `'delivered'`. */
export interface DeliveredInfo {
  /** The ids of the delivered events. */
  messageIds: string[];
  /** The HTTP status of the response that accepted them. */
  status: number;
  /** How many attempts the delivery took. */
  attempts: number;
}

/** The events a client emits, and their payloads. */
export interface ClientEvents {
  [name: string]: unknown;
  /** Events finally not delivered. */
  error: DeliveryError;
  /** A batch accepted by the data plane. */
  delivered: DeliveredInfo;
  /** A batch will be tried again. */
  retry: RetryInfo;
  /** Events dropped (queue full, or closed before delivery). */
  dropped: DroppedError;
  /** A call delivered as given although it is probably a mistake (emitted during the call, for each one). */
  warning: CallWarning;
  /** An event a plugin dropped, with its reason and details (e.g. tracking-plan violations). */
  filtered: FilteredInfo;
  /** A plugin failed on an event; the event went on without that plugin's change. */
  pluginError: PluginError;
}

/** Options of `RudderAnalytics.load`, plus the storage seam. */
export interface LoadOptions extends ClientOptions {
  /**
   * A durable store that journals accepted events so they survive a crash (`FileStore` from
   * `rudderanalytics/node`, `RedisStore` from `rudderanalytics/redis`). Default: none, events wait in memory only.
   */
  storage?: Journal;
  /** Ordered middleware that sees each event before it is serialized (see the README, "Plugins"). */
  plugins?: PluginInput[];
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
/** Field names whose warning has been logged are remembered up to this many (then no more are logged). */
const WARNED_FIELDS_MAX = 1000;

/**
 * The client: create one with {@link RudderAnalytics.load}, call the helpers (`track`, `identify`, …) or
 * `send`, and `close()` it on shutdown. Delivery runs in the background; failures arrive as `'error'` events.
 */
export class RudderAnalytics {
  private readonly options: ResolvedOptions;
  private readonly journal: Journal | undefined;
  /** Settles once the journal's start-up replay is done: `flush()` waits for it first. */
  private readonly replaying: Promise<void> | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly emitter: Emitter<ClientEvents>;
  private readonly env: PrepareEnv;
  private readonly counters: Omit<Stats, 'queued' | 'inFlight'> = {
    accepted: 0,
    replayed: 0,
    delivered: 0,
    retried: 0,
    failed: 0,
    dropped: 0,
    persisted: 0,
  };
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly dropLog = new LogLimit();
  private readonly warnedFields = new Set<string>();
  private readonly onBeforeExit?: () => void;

  /**
   * Creates a client that delivers to `{dataPlaneUrl}/v1/batch` with `writeKey`.
   * Throws ConfigError for an empty write key, a URL that is not http(s), or an out-of-range option.
   */
  static load(writeKey: string, dataPlaneUrl: string, options?: LoadOptions): RudderAnalytics {
    return new RudderAnalytics(writeKey, dataPlaneUrl, options);
  }

  protected constructor(writeKey: string, dataPlaneUrl: string, options?: LoadOptions) {
    if (typeof writeKey !== 'string' || writeKey.trim() === '') throw new ConfigError('writeKey must be a non-empty string');
    const url = parseDataPlaneUrl(dataPlaneUrl);
    this.options = resolveOptions(options);
    const log = this.options.logger;
    if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
      // A host is printed lowercased, so a key pasted as the host would escape a case-sensitive redaction.
      const host = url.hostname.includes(writeKey.toLowerCase()) ? 'a host that contains the write key' : url.hostname;
      log.warn?.(`the data plane URL uses plain http:// to ${host}: the write key crosses the network unencrypted; use https://`);
    }
    this.emitter = new Emitter((error) => log.error?.(`an event listener threw: ${String(error)}`));
    this.env = {
      now: nowIso,
      uuid: randomUuid,
      maxMessageBytes: this.options.maxMessageBytes,
      strict: this.options.strict,
      warn: (warning) => this.reportWarning(warning),
    };
    const plugins = resolvePlugins(options?.plugins);
    if (plugins.length > 0) {
      this.counters.filtered = 0;
      this.env.plugins = {
        list: plugins,
        reports: {
          filtered: (info) => {
            this.counters.filtered = (this.counters.filtered ?? 0) + 1;
            this.emitter.emit('filtered', info);
          },
          error: (error) => (this.emitter.has('pluginError') ? this.emitter.emit('pluginError', error) : log.error?.(error.message)),
        },
      };
    }
    this.journal = checkStorage(options?.storage);
    this.dispatcher = new Dispatcher(
      `${url.href.replace(/\/+$/, '')}/v1/batch`,
      writeKey,
      this.options,
      {
        delivered: (events, status, attempts) => {
          this.counters.delivered += events.count;
          if (this.emitter.has('delivered')) this.emitter.emit('delivered', { messageIds: events.messageIds(), status, attempts });
        },
        failed: (events, error) => {
          this.counters.failed += events.count;
          if (this.emitter.has('error')) this.emitter.emit('error', error);
          else log.error?.(error.message);
        },
        dropped: (count, error) => this.reportDropped(count, error),
        replayed: (events) => {
          this.counters.replayed += events.length;
        },
        retrying: (_events, info) => {
          this.counters.retried++;
          this.emitter.emit('retry', info);
          log.debug?.(`retrying a batch in ${info.delayMs} ms (attempt ${info.attempt} ${info.status ?? 'failed'})`);
        },
        warn: (message) => log.warn?.(message),
      },
      this.journal,
    );
    this.replaying = this.journal?.replay(this.dispatcher.intake()).catch(() => undefined);
    if (this.options.flushOnExit && this.options.enable) {
      const proc = (globalThis as { process?: { on?: ProcessListen; off?: ProcessListen } }).process;
      if (typeof proc?.on === 'function') {
        this.onBeforeExit = () => {
          if (this.dispatcher.queued > 0) void this.flush();
        };
        proc.on('beforeExit', this.onBeforeExit);
      }
    }
  }

  /**
   * Sends one call or a batch. Resolves when the data plane accepted every event (2xx); rejects with a
   * ValidationError (nothing queued), a DeliveryError (finally not delivered) or a DroppedError.
   */
  send(message: Sendable): Promise<void> {
    let events: QueuedEvent[];
    try {
      this.assertOpen();
      events = prepareSendable(message, this.env).filter((e): e is QueuedEvent => !isFiltered(e));
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.options.enable || events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let pending = events.length;
      let failure: Error | undefined;
      const done = (error?: Error) => {
        failure ??= error;
        if (--pending > 0) return;
        if (failure) reject(failure);
        else resolve();
      };
      for (const event of events) event.done = done;
      const refused = this.enqueue(events);
      if (refused) return reject(refused);
      // The caller is waiting for this delivery: it goes out now, with whatever else is queued.
      this.dispatcher.expedite();
    });
  }

  /** Records who a user is. Returns the event's messageId; throws ValidationError for a bad call. */
  identify(call: IdentifyCall): string {
    return this.call(call, 'identify');
  }
  /** Records an action. Returns the event's messageId; throws ValidationError for a bad call. */
  track(call: TrackCall): string {
    return this.call(call, 'track');
  }
  /** Records a page view. Returns the event's messageId; throws ValidationError for a bad call. */
  page(call: PageCall): string {
    return this.call(call, 'page');
  }
  /** Records a screen view. Returns the event's messageId; throws ValidationError for a bad call. */
  screen(call: ScreenCall): string {
    return this.call(call, 'screen');
  }
  /** Ties a user to a group. Returns the event's messageId; throws ValidationError for a bad call. */
  group(call: GroupCall): string {
    return this.call(call, 'group');
  }
  /** Merges a previous id into a user. Returns the event's messageId; throws ValidationError for a bad call. */
  alias(call: AliasCall): string {
    return this.call(call, 'alias');
  }

  /** Settles when every event accepted before the call is delivered or finally failed (never rejects). */
  flush(): Promise<void> {
    const journal = this.journal;
    if (!journal) return this.dispatcher.flush();
    // What the journal replays at start is part of "everything accepted": waited for first. Then the
    // journal's own writes (fsync, Redis acknowledgements) of those deliveries settle too.
    return this.replaying!.then(() => this.dispatcher.flush())
      .then(() => journal.flush())
      .catch(() => undefined);
  }

  /**
   * Flushes, then stops: later calls throw ClosedError. Events still undelivered after `timeoutMs`
   * (default 30,000) are given up: requests in flight are aborted, and the events are dropped (`'dropped'`,
   * reason `closed`), or, with a durable store, left in it for the next start (`stats().persisted`).
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    if (this.onBeforeExit) (globalThis as { process?: { off?: ProcessListen } }).process?.off?.('beforeExit', this.onBeforeExit);
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.closing = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void this.flush().then(() => {
        clearTimeout(timer);
        resolve();
      });
    })
      .then(() => {
        this.counters.persisted += this.dispatcher.abandon();
      })
      .then(() => this.journal?.close())
      .catch(() => undefined)
      .then(() => this.release());
    return this.closing;
  }

  /** Subscribes to `'error' | 'delivered' | 'retry' | 'dropped' | 'warning' | 'filtered' | 'pluginError'`. Returns a function that unsubscribes. */
  on<K extends 'error' | 'delivered' | 'retry' | 'dropped' | 'warning' | 'filtered' | 'pluginError'>(
    name: K,
    listener: (payload: ClientEvents[K]) => void,
  ): () => void {
    return this.emitter.on(name, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends 'error' | 'delivered' | 'retry' | 'dropped' | 'warning' | 'filtered' | 'pluginError'>(
    name: K,
    listener: (payload: ClientEvents[K]) => void,
  ): void {
    this.emitter.off(name, listener);
  }

  /** A snapshot of the counters. */
  stats(): Stats {
    return { ...this.counters, queued: this.dispatcher.queued, inFlight: this.dispatcher.inFlight };
  }

  private call(call: unknown, type: EventType): string {
    this.assertOpen();
    const event = prepareCall(call, type, this.env);
    if (isFiltered(event)) return event.filtered.messageId;
    if (this.options.enable) {
      const refused = this.enqueue([event]);
      if (refused) throw refused;
    }
    return event.messageId;
  }

  /** Hands a call's events to the dispatcher; returns the DroppedError to throw when `overflow: 'throw'` refuses them. */
  private enqueue(events: QueuedEvent[]): DroppedError | undefined {
    // Counted first: a drop reported during accept() is of events already accepted.
    this.counters.accepted += events.length;
    const refused = this.dispatcher.accept(events);
    if (refused) this.counters.accepted -= events.length;
    return refused;
  }

  /** Every warning is emitted; each field name is logged once (a stream repeats its mistakes). */
  private reportWarning(warning: CallWarning): void {
    if (this.emitter.has('warning')) this.emitter.emit('warning', warning);
    const name = warning.field.replace(/^batch\[\d+\]\./, '');
    if (this.warnedFields.has(name) || this.warnedFields.size >= WARNED_FIELDS_MAX) return;
    this.warnedFields.add(name);
    this.options.logger.warn?.(`${name}: ${warning.rule} (warned once per field name)`);
  }

  private reportDropped(count: number, error: DroppedError): void {
    this.counters.dropped += count;
    if (this.emitter.has('dropped')) this.emitter.emit('dropped', error);
    else if (this.dropLog.allow()) {
      this.options.logger.warn?.(`${error.message} (further drops are counted in stats().dropped)`);
    }
  }

  /**
   * Once closed, nothing is emitted or logged again: the caller's listeners and the remembered field
   * names are let go, so a closed client that is still referenced holds none of them.
   */
  private release(): void {
    this.emitter.clear();
    this.warnedFields.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError();
  }
}

function checkStorage(storage: Journal | undefined): Journal | undefined {
  if (storage === undefined) return undefined;
  const methods = ['replay', 'append', 'settle', 'flush', 'close'] as const;
  if (typeof storage !== 'object' || storage === null || methods.some((m) => typeof storage[m] !== 'function')) {
    throw new ConfigError(`storage must be a Journal (an object with ${methods.join(', ')}), e.g. a FileStore or a RedisStore`);
  }
  return storage;
}

function parseDataPlaneUrl(value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError('dataPlaneUrl must be a non-empty string');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError('dataPlaneUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('dataPlaneUrl must start with http:// or https://');
  if (url.username || url.password) throw new ConfigError('dataPlaneUrl must not contain credentials; pass the write key as the first argument');
  url.search = '';
  url.hash = '';
  return url;
}
