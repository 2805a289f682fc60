import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { readConfigFile, DEV_SOURCE_NAME, DEV_WRITE_KEY } from './config.js';
import { EventHub, rowMatches } from './hub.js';
import { consoleLogger, silentLogger, type DataPlaneLogger } from './logger.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './messages.js';
import { normalizeFilter, type EventFilter } from './query.js';
import { createReadGuard, isLoopbackAddress } from './read-guard.js';
import { createDataPlaneServer } from './server.js';
import { trackConnections } from './connections.js';
import { maskKey } from './mask.js';
import { SourceRegistry, toSources, type SourceConfig } from './sources.js';
import type { StorageEngine } from './engines.js';
import { toStoredEvent, type StoredEvent } from './rows.js';
import { EventStore, type Synchronous } from './store.js';
import { loadPlanValidator, type TrackingPlanSource } from './tracking-plan.js';
import { planBanner } from './plan-banner.js';
import type { TrackingPlanConfig } from '@rudderanalytics/tracking-plan';
import { loadTransformation, type TransformationSource } from './transformation-source.js';
import { TransformationStage, type TransformedRecord } from './transformation-stage.js';
import { startWarehouseStage, type WarehouseStage } from './warehouse-stage.js';
import { storedInput, transformedInput } from './warehouse-input.js';

/** Options of {@link startDataPlane}. Every field is optional. */
export interface DataPlaneOptions {
  /** TCP port; default 8080. `0` picks a free port (read it back from {@link DataPlane.port}). */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. Binding elsewhere exposes the (well-known) dev key. */
  host?: string;
  /** Extra sources: plain write keys or `{ writeKey, name?, disabled? }`. Added to the config file's. */
  writeKeys?: Array<string | SourceConfig>;
  /** The dev source's key; default {@link DEV_WRITE_KEY}. `false` disables the dev source. */
  devWriteKey?: string | false;
  /**
   * SQLite file; default `./.rudder/dataplane.db` (directories are created). One data plane per file.
   * `:memory:` keeps nothing: a private temporary file, deleted by close().
   */
  dbPath?: string;
  /** Cap on the decompressed request body; default 4,096,000 bytes (413 beyond it). */
  maxRequestBytes?: number;
  /** JSON file with `{ "sources": [...], "devWriteKey"?: string | false }`. */
  configFile?: string;
  /** SQLite `synchronous` in WAL mode: NORMAL (default; survives a process crash) or FULL (also power loss). */
  synchronous?: Synchronous;
  /**
   * Host names (no port) the read side (`/api/*`, `/live`) answers besides localhost, 127.0.0.1 and [::1];
   * any other `Host` gets 403, which stops DNS-rebinding pages from reading events. The ingest side
   * answers every Host, as the gateway does.
   */
  allowedHosts?: string[];
  /**
   * Token every reader must show to read events (`Authorization: Bearer`, `?token=`), this machine
   * included: tunnels and reverse proxies connect from loopback. Default: none on a loopback `host`, a
   * random one (printed, and on {@link DataPlane.readToken}) otherwise. `false` lets anyone who reaches the
   * port read; an empty string is refused.
   */
  readToken?: string | false;
  /**
   * The SQLite implementation to store with; default the runtime's built-in one (`bun:sqlite` on Bun,
   * `node:sqlite` on Node 22.13+ and Deno), else `better-sqlite3` when installed (Node 20).
   */
  engine?: StorageEngine;
  /** Where to report; default the console. */
  logger?: DataPlaneLogger;
  /** Shorthand for a logger that says nothing (also suppresses the startup banner). */
  quiet?: boolean;
  /** A tracking plan (file path or document, any layout): ingested events are checked and annotated like the hosted processor does. */
  trackingPlan?: TrackingPlanSource;
  /** The source's tracking-plan settings (file path or `{ global: {...}, track: {...} }`); default: annotate, never drop. */
  trackingPlanConfig?: string | TrackingPlanConfig;
  /**
   * Start even when some of the plan's schemas do not compile (default false: `startDataPlane` rejects
   * with a `TrackingPlanError` naming each). Those events then pass unchecked, as on the hosted data
   * plane, and the live page lists the schemas.
   */
  trackingPlanLenient?: boolean;
  /**
   * A user transformation applied to every stored event after the tracking plan, as a later stage
   * (see `GET /api/transformed`): a `.js` file, a rudder-cli project folder or YAML (`PATH#id` to pick
   * one), or `{ code, libraries? }`. Ingestion never waits for it.
   */
  transformation?: TransformationSource;
  /** The transformation's limits; default as hosted: 4000 ms per call, a 128 MB heap. */
  transformationLimits?: {
    /** Wall-clock limit of one call, in milliseconds (hosted: 4000). */
    timeoutMs?: number;
    /** Heap limit of the sandbox, in MB (hosted: 128). */
    memoryMb?: number;
  };
  /**
   * Load every stored event into a warehouse with RudderStack's tables, as a later stage with its own
   * cursor: `duckdb:./events.duckdb` or `postgres://user@host:5432/db`. Needs `@rudderanalytics/warehouse`.
   * With a `transformation`, what it returned is loaded instead, as hosted: nothing for a dropped or
   * failed event, each output of a split one.
   */
  warehouse?: string;
  /** The warehouse whose naming and typing rules DuckDB tables follow: postgres (default), snowflake, bigquery, redshift. */
  warehouseFlavour?: string;
  /** Events per warehouse load transaction; default 5000. */
  warehouseBatchSize?: number;
}

/** A running local data plane. */
export interface DataPlane {
  /** Base URL to give an SDK as its data plane URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  readonly url: string;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** The host (interface) the server listens on; default `127.0.0.1`. */
  readonly host: string;
  /** The write key to use: the dev key, or the first enabled configured source when the dev key is off. */
  readonly writeKey: string;
  /** The live events page, `${url}/live` (with `?token=` when a read token is required). */
  readonly liveUrl: string;
  /** The token every reader needs, or undefined when none is required. */
  readonly readToken: string | undefined;
  /** Path of the SQLite database file (`:memory:` for an in-memory one); default `./.rudder/dataplane.db`. */
  readonly dbPath: string;
  /** The SQLite implementation storing the events. */
  readonly engine: StorageEngine;
  /** Configured sources by name (never their keys). */
  readonly sources: ReadonlyArray<{
    /** The source's name (from the config file, `writeKeys`, or the dev source's). */
    name: string;
    /** Whether the source is disabled: its key then gets 404 `source is disabled`. */
    disabled: boolean;
  }>;
  /** Stored events, newest first unless `order: 'asc'`; same filters as `GET /api/events` (default limit 100). */
  events(filter?: EventFilter): StoredEvent[];
  /** How many stored events match (limit/order ignored). */
  count(filter?: Omit<EventFilter, 'limit' | 'order'>): number;
  /**
   * Resolves with the matching events (oldest first) once at least `n` are stored; rejects after
   * `timeoutMs` (default 10 s). Driven by ingest notifications, not polling.
   */
  waitForEvents(n: number, filter?: EventFilter, options?: { timeoutMs?: number }): Promise<StoredEvent[]>;
  /** Calls `listener` for every event stored from now on (after its commit). Returns the unsubscribe. */
  subscribe(listener: (event: StoredEvent) => void, filter?: EventFilter): () => void;
  /** Open `GET /api/events/stream` connections right now (each holds one listener). */
  readonly liveStreams: number;
  /** With a transformation: what it made of stored events, and a way to wait for it to catch up. */
  readonly transformation?: {
    /** The outcomes of these stored event ids (those handled so far). */
    records(ids: number[]): TransformedRecord[];
    /** Resolves once every event stored so far has been through the transformation. */
    caughtUp(): Promise<void>;
  };
  /** The warehouse stage, when `warehouse` is set: its status, `drain()` to wait until loaded, `describe()`. */
  readonly warehouse: WarehouseStage | undefined;
  /** Deletes every stored event (ids keep increasing). */
  clear(): Promise<void>;
  /** Stops listening, ends live streams, closes connections and the database. Idempotent. */
  close(): Promise<void>;
}

function resolveSources(opts: DataPlaneOptions): { configs: SourceConfig[]; writeKey: string; hasDev: boolean } {
  const file = opts.configFile ? readConfigFile(opts.configFile) : {};
  const devKey = opts.devWriteKey !== undefined ? opts.devWriteKey : (file.devWriteKey ?? DEV_WRITE_KEY);
  const configs: SourceConfig[] = [];
  if (devKey !== false) configs.push({ name: DEV_SOURCE_NAME, writeKey: devKey });
  configs.push(...(file.sources ?? []));
  for (const k of opts.writeKeys ?? []) configs.push(typeof k === 'string' ? { writeKey: k } : k);
  const first = configs.find((c) => !c.disabled);
  if (!first) throw new Error('the data plane has no enabled source: give writeKeys or keep the dev key');
  return { configs, writeKey: first.writeKey, hasDev: devKey !== false };
}

const hostForUrl = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host);

/**
 * Starts a local RudderStack-compatible data plane: the gateway's HTTP API (`/v1/*`, `/health`),
 * SQLite storage, the query API (`/api/events`, `/api/events/stream`) and the live page (`/live`).
 *
 * @example
 * const dp = await startDataPlane({ port: 0, dbPath: join(tmp, 'events.db'), quiet: true });
 * // point the SDK at dp.url with dp.writeKey, then:
 * const [event] = await dp.waitForEvents(1, { type: 'track' });
 * await dp.close();
 */
export async function startDataPlane(opts: DataPlaneOptions = {}): Promise<DataPlane> {
  const logger = opts.quiet ? silentLogger : (opts.logger ?? consoleLogger);
  const host = opts.host ?? '127.0.0.1';
  const dbPath = opts.dbPath ?? './.rudder/dataplane.db';
  const { configs, writeKey, hasDev } = resolveSources(opts);
  if (opts.trackingPlanConfig !== undefined && opts.trackingPlan === undefined) throw new Error('trackingPlanConfig needs trackingPlan');
  const guard = createReadGuard({ host, allowedHosts: opts.allowedHosts, readToken: opts.readToken });
  const plan =
    opts.trackingPlan === undefined ? undefined : await loadPlanValidator(opts.trackingPlan, opts.trackingPlanConfig, opts.trackingPlanLenient);
  const planValidator = plan?.validator;
  const sources = toSources(configs);
  // The writer thread and the readers need separate connections to one database, which an in-memory
  // database cannot give; a throwaway file behaves the same from the outside.
  const scratch = dbPath === ':memory:' ? mkdtempSync(join(tmpdir(), `rudder-dataplane-${process.pid}-`)) : undefined;
  const removeScratch = () => scratch && rmSync(scratch, { recursive: true, force: true });
  let store: EventStore;
  try {
    store = await EventStore.open(scratch ? join(scratch, 'events.db') : dbPath, opts.synchronous ?? 'NORMAL', opts.engine);
  } catch (err) {
    removeScratch();
    throw err;
  }
  const hub = new EventHub();
  let stage: TransformationStage | undefined;
  if (opts.transformation !== undefined) {
    try {
      const loaded = await loadTransformation(opts.transformation);
      stage = await TransformationStage.start(store.path, store.engine, loaded, logger, opts.transformationLimits);
    } catch (err) {
      await store.close();
      removeScratch();
      throw err;
    }
    const s = stage;
    // Woken after each commit; the stage catches up on its own time, never the request's.
    hub.subscribe(() => s.wake());
    s.wake();
  }
  let warehouse: WarehouseStage | undefined;
  const streams = new Set<ServerResponse>();
  const server = createDataPlaneServer({
    guard,
    registry: new SourceRegistry(sources),
    store,
    hub,
    maxRequestBytes: opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    logger,
    streams,
    planValidator,
    brokenSchemas: plan?.broken ?? [],
    transformation: stage,
    warehouse: () => warehouse,
  });

  const connections = trackConnections(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8080, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await stage?.close();
    await store.close();
    removeScratch();
    throw err;
  }
  if (opts.warehouse !== undefined) {
    try {
      warehouse = await startWarehouseStage({
        target: opts.warehouse,
        flavour: opts.warehouseFlavour,
        batchSize: opts.warehouseBatchSize,
        input: stage
          ? transformedInput(stage)
          : storedInput({
              read: (afterId, limit) => store.query({ sinceId: afterId, order: 'asc', limit }),
              lastId: () => store.query({ order: 'desc', limit: 1 })[0]?.id ?? 0,
              onStored: (listener) => hub.subscribe(listener),
            }),
        logger,
      });
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stage?.close();
      await store.close();
      removeScratch();
      throw err;
    }
  }
  const port = (server.address() as AddressInfo).port;
  guard.cookieName = `rudder_read_${port}`;
  const url = `http://${hostForUrl(host)}:${port}`;
  const liveUrl = guard.token ? `${url}/live?token=${guard.token}` : `${url}/live`;

  logger.info(`rudder data plane listening on ${url}`);
  sources.forEach((s, i) => {
    // The well-known dev key is printed in full once, by design (it is public anyway); every other key,
    // a replacement dev key from a config file included, only masked.
    const shown = i === 0 && hasDev && configs[0].writeKey === DEV_WRITE_KEY ? DEV_WRITE_KEY : maskKey(configs[i].writeKey);
    logger.info(`  source ${s.name}${s.disabled ? ' (disabled)' : ''}: write key ${shown}`);
  });
  logger.info(`  live events: ${liveUrl}`);
  if (guard.token) logger.info(`  read token (every read of /api/* needs it; rudder events: --read-token or RUDDER_READ_TOKEN): ${guard.token}`);
  logger.info(`  database: ${dbPath} (${store.engine})`);
  if (planValidator) {
    const banner = await planBanner(planValidator, opts.trackingPlan!, opts.trackingPlanConfig);
    banner.info.forEach((line) => logger.info(line));
    banner.warn.forEach((line) => logger.warn(line));
  }
  for (const b of plan?.broken ?? []) logger.warn(`  warning: not checked (its schema does not compile): ${b.event}: ${b.error}`);
  if (stage) logger.info(`  transformation: ${stage.transformation.name} (${stage.transformation.id}), results at ${url}/api/transformed`);
  if (!isLoopbackAddress(host) && hasDev) {
    logger.warn(`  warning: listening on ${host} with the well-known dev write key enabled`);
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.closeIdle();
      // In-flight requests get a moment to finish; a stuck upload must not hold close() forever.
      const timer = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(timer);
      // The warehouse first: with a transformation it reads the transformation stage's outcomes.
      await warehouse?.close();
      await stage?.close();
      await store.close();
      removeScratch();
    })());

  const dp: DataPlane = {
    url,
    port,
    host,
    writeKey,
    liveUrl,
    readToken: guard.token,
    dbPath,
    engine: store.engine,
    sources: sources.map((s) => ({ name: s.name, disabled: s.disabled })),
    events: (filter) => store.query(normalizeFilter(filter)).map(toStoredEvent),
    count: (filter) => store.count(normalizeFilter(filter)),
    subscribe(listener, filter) {
      const q = normalizeFilter(filter);
      return hub.subscribe((rows) => {
        for (const r of rows) if (rowMatches(q, r)) listener(toStoredEvent(r));
      });
    },
    waitForEvents(n, filter = {}, options = {}) {
      const q = normalizeFilter(filter);
      const check = () => (store.count(q) >= n ? store.query({ ...q, order: 'asc', limit: n }) : undefined);
      return new Promise((resolve, reject) => {
        const now = check();
        if (now) return resolve(now.map(toStoredEvent));
        const timeoutMs = options.timeoutMs ?? 10_000;
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} events (have ${store.count(q)})`));
        }, timeoutMs);
        const unsubscribe = hub.subscribe(() => {
          const rows = check();
          if (!rows) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(rows.map(toStoredEvent));
        });
      });
    },
    get liveStreams() {
      return streams.size;
    },
    ...(stage
      ? {
          transformation: {
            records: (ids: number[]) => stage.records(ids),
            caughtUp: () => stage.caughtUp(),
          },
        }
      : {}),
    warehouse,
    clear: async () => {
      await store.clear();
      stage?.clear();
    },
    close,
  };
  return dp;
}
