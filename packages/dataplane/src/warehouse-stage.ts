// The warehouse load as a later stage of the local pipeline: it reads its input (the stored events,
// or the transformation's outputs when one is configured) after its own cursor, loads them with RudderStack's warehouse rules, and the target commits the rows and the new
// cursor in one transaction, so a crash repeats a batch or none of it and a restart loads each event
// exactly once. Ingestion never waits for it: a commit only nudges the stage, which runs on its own.
// The warehouse package (DuckDB, pg) is imported only when a warehouse is asked for.
import type { DataPlaneLogger } from './logger.js';
import type { WarehouseInput } from './warehouse-input.js';

export interface WarehouseStageOptions {
  /** `duckdb:<file>` or `postgres://…`. */
  target: string;
  /** Naming and typing rules of the team's warehouse (DuckDB only; Postgres follows Postgres). */
  flavour?: string;
  /** What to load: the stored events, or the transformation's outputs. */
  input: WarehouseInput;
  logger: DataPlaneLogger;
  /** Events per load transaction; default 5000. */
  batchSize?: number;
}

/** What `GET /api/warehouse` and `dp.warehouse.status()` show. */
export interface WarehouseStatus {
  /** `duckdb:<file>`, or the Postgres URL without its password. */
  target: string;
  /** The naming and typing rules followed: postgres, snowflake, bigquery or redshift. */
  flavour: string;
  /** What is loaded: `stored events` (as received) or `transformed events` (the transformation's outputs). */
  input: string;
  /** The last stored row id loaded (the stage's cursor). */
  cursor: number;
  /** Events loaded since this data plane started. */
  loadedEvents: number;
  /** Values sent to rudder_discards since this data plane started. */
  discarded: number;
  /** Events the warehouse rules refused since this data plane started (kept in rudder_local_refused). */
  refused: number;
  /** The last load error, if the stage is retrying. */
  error?: string;
}

/** The running warehouse load stage of a data plane (`dp.warehouse`). */
export interface WarehouseStage {
  /** Cursor, counts and the last error, right now. */
  status(): WarehouseStatus;
  /** Resolves once every event stored before the call is loaded. */
  drain(): Promise<void>;
  /** Tables, columns with types, row counts, and the latest discards and refusals. */
  describe(): Promise<WarehouseDescription>;
  /** Runs SQL on the warehouse between loads (for tests and tools). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Stops loading after the batch in progress and closes the warehouse connection. */
  close(): Promise<void>;
}

/** A warehouse table as listed: its name, row count and columns. */
export interface WarehouseTable {
  /** The table's name, in the flavour's case. */
  table: string;
  /** Rows in it. */
  rows: number;
  /** Its columns in creation order. */
  columns: WarehouseColumn[];
}

/** A column of a warehouse table. */
export interface WarehouseColumn {
  /** The column's name. */
  name: string;
  /** RudderStack's type: int, float, boolean, datetime, string, text or json. */
  type: string;
  /** The SQL type the target reports. */
  sqlType: string;
}

/** An event the warehouse rules refused. */
export interface WarehouseRefusal {
  /** Its messageId. */
  message_id: string;
  /** When the data plane received it. */
  received_at: string | null;
  /** The rule's message, e.g. `postgres transformer: Too many columns outputted from the event`. */
  reason: string;
}

/** {@link WarehouseStatus} with the tables and the latest discards and refusals. */
export interface WarehouseDescription extends WarehouseStatus {
  /** Every table, sorted by name. */
  tables: WarehouseTable[];
  /** The latest rudder_discards rows, newest first. */
  discards: Record<string, unknown>[];
  /** The latest refused events, newest first. */
  refusedEvents: WarehouseRefusal[];
}

const RETRY_MS = 1000;

const isIdentify = (e: { event: Record<string, unknown> }) => typeof e.event.type === 'string' && e.event.type.toLowerCase() === 'identify';

/** The warehouse package, an optional peer: only a data plane asked to load a warehouse needs it. */
export async function importWarehouse(): Promise<typeof import('@rudderanalytics/warehouse')> {
  try {
    return await import('@rudderanalytics/warehouse');
  } catch (err) {
    throw new Error('a warehouse needs the @rudderanalytics/warehouse package: npm install @rudderanalytics/warehouse', {
      cause: err,
    });
  }
}

/** Starts the stage: opens the target, reads its cursor, and loads from there on every ingest commit. */
export async function startWarehouseStage(opts: WarehouseStageOptions): Promise<WarehouseStage> {
  const wh = await importWarehouse();
  const spec = wh.parseTarget(opts.target);
  const flavour = wh.flavourFor(spec, opts.flavour);
  const target = await wh.openTarget(spec);
  const loader = await wh.WarehouseLoader.open(target, { flavour });
  // One row per user in `users`, as hosted: settled at start (a crash may have come between a load
  // and its merge) and after each batch with an identify.
  const mergeUsers = () => wh.mergeUsers(target, loader.currentSchema(), flavour, spec.kind);
  await mergeUsers();
  const batchSize = opts.batchSize ?? 5000;
  const status: WarehouseStatus = {
    target: target.description,
    flavour,
    input: opts.input.name,
    cursor: await loader.cursor(),
    loadedEvents: 0,
    discarded: 0,
    refused: 0,
  };
  opts.logger.info(`  warehouse: ${target.description} (${flavour} rules, loading ${opts.input.name}), loaded up to event #${status.cursor}`);

  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  let lastLog = 0;
  // One connection per target: a listing must not run inside a load's open transaction.
  let serial: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = serial.then(fn, fn);
    serial = next.catch(() => undefined);
    return next;
  };

  async function pass(): Promise<void> {
    for (;;) {
      if (closed) return;
      const batch = opts.input.next(status.cursor, batchSize);
      if (!batch) return;
      const summary = await exclusive(async () => {
        const loaded = await loader.load(batch.events, batch.last);
        if (batch.events.some(isIdentify)) await mergeUsers();
        return loaded;
      });
      status.cursor = summary.cursor;
      status.loadedEvents += summary.events;
      status.discarded += summary.discarded;
      status.refused += summary.refused;
      delete status.error;
      if (summary.newTables.length) opts.logger.info(`  warehouse: new tables ${summary.newTables.join(', ')}`);
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        opts.logger.info(`  warehouse: loaded up to event #${status.cursor}`);
      }
    }
  }

  function kick(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !closed);
      } catch (err) {
        const message = (err as Error).message;
        if (status.error !== message) opts.logger.error(`  warehouse: load failed, retrying: ${message}`);
        status.error = message;
        retry = setTimeout(() => void kick(), RETRY_MS);
        retry.unref();
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const unsubscribe = opts.input.onAdvance(() => void kick());
  void kick();

  return {
    status: () => ({ ...status }),
    async drain() {
      const goal = await opts.input.goal();
      while (!closed && status.cursor < goal) {
        await kick();
        if (status.error) throw new Error(`warehouse load failed: ${status.error}`);
      }
    },
    describe: () =>
      exclusive(async () => ({
        ...status,
        tables: await target.describe(),
        discards: await target.latestDiscards(20),
        refusedEvents: await target.latestRefused(20),
      })),
    query: (sql) => exclusive(() => target.query(sql)),
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      if (retry) clearTimeout(retry);
      await running;
      await exclusive(() => loader.close());
    },
  };
}
