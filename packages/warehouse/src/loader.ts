// Events in, warehouse rows out: each event through eventToRows, each row through the schema (new
// tables and columns, conversions, discards), then one transaction on the target with the cursor.
// The schema the loader plans against is the target's own (read at open), so a restart continues
// with the column types the warehouse already has.
import { eventToRows, EventRefusedError, type EventToRowsOptions } from './event-to-rows.js';
import { providerCase, type Flavour } from './flavour.js';
import { withProcessorTimeFields } from './processor-time.js';
import { discardRow, discardsSchema, discardsTable, planRow, type Schema, type TableSchema } from './schema.js';
import type { LoadBatch, RefusedEvent, TableChange, WarehouseTarget } from './targets/target.js';
import { goString, isObject, type JsonObject } from './values.js';

/** An event as the data plane stored it. */
export interface StoredEvent {
  /** The event as received (a RudderStack message). */
  event: JsonObject;
  /**
   * When the data plane received it (the gateway's receivedAt). The time fields are then completed as
   * the hosted processor does before the warehouse sees the event (processor-time.ts).
   */
  receivedAt?: string;
  /** The source it came from (written into the context as sourceId). */
  sourceId?: string;
}

/** Options of {@link WarehouseLoader.open}. */
export interface LoaderOptions extends Omit<EventToRowsOptions, 'destination' | 'receivedAt' | 'sourceId'> {
  /** Naming and typing rules; default postgres. */
  flavour?: Flavour;
  /** The clock for uuid_ts. */
  now?: () => Date;
}

/** What one {@link WarehouseLoader.load} did. */
export interface LoadSummary {
  /** Events in the batch. */
  events: number;
  /** Rows written. */
  rows: number;
  /** Values sent to rudder_discards. */
  discarded: number;
  /** Events refused by the rules. */
  refused: number;
  /** Tables created. */
  newTables: string[];
  /** Columns added (new tables' included). */
  newColumns: number;
  /** The cursor stored with the rows. */
  cursor: number;
}

/** Loads batches of events into a {@link WarehouseTarget}, one transaction each. */
export class WarehouseLoader {
  /** The rules followed. */
  readonly flavour: Flavour;
  private schema: Schema = {};
  private readonly now: () => Date;

  private constructor(
    /** Where the rows go. */
    readonly target: WarehouseTarget,
    private readonly options: LoaderOptions,
  ) {
    this.flavour = options.flavour ?? 'postgres';
    this.now = options.now ?? (() => new Date());
  }

  /** A loader on `target`, planning against the schema the target already has. */
  static async open(target: WarehouseTarget, options: LoaderOptions = {}): Promise<WarehouseLoader> {
    const loader = new WarehouseLoader(target, options);
    loader.schema = await target.readSchema();
    return loader;
  }

  /** The cursor stored in the target (0 when nothing was loaded). */
  cursor(): Promise<number> {
    return this.target.readCursor();
  }

  /** The schema as the loader knows it. */
  currentSchema(): Schema {
    return structuredClone(this.schema);
  }

  /** Loads `events` and moves the cursor to `cursor`, all in one transaction. */
  async load(events: readonly StoredEvent[], cursor: number): Promise<LoadSummary> {
    const schema = structuredClone(this.schema);
    const before = new Set(Object.keys(schema));
    const added = new Map<string, TableSchema>();
    const rows = new Map<string, string[]>();
    const refused: RefusedEvent[] = [];
    const loadedAt = this.now().toISOString();
    const uuidTs = providerCase(this.flavour, 'uuid_ts');
    const loadTime = (values: Record<string, unknown>) => {
      values[uuidTs] = loadedAt;
      if (this.flavour === 'bigquery') values.loaded_at = loadedAt;
      return values;
    };
    // Each row becomes its JSON text at once: the objects die young, and the batch is held as strings.
    const push = (table: string, values: Record<string, unknown>) => {
      let list = rows.get(table);
      if (!list) rows.set(table, (list = []));
      list.push(JSON.stringify(values));
    };
    const remember = (table: string, cols: TableSchema) => {
      if (Object.keys(cols).length === 0) return;
      added.set(table, { ...added.get(table), ...cols });
    };
    let discarded = 0;
    let rowCount = 0;

    for (const stored of events) {
      let produced;
      try {
        const event = stored.receivedAt && isObject(stored.event) ? withProcessorTimeFields(stored.event, stored.receivedAt) : stored.event;
        produced = eventToRows(event, {
          ...this.options,
          destination: this.flavour,
          receivedAt: stored.receivedAt,
          sourceId: stored.sourceId,
        });
      } catch (err) {
        if (!(err instanceof EventRefusedError)) throw err;
        refused.push({
          message_id: goString(isObject(stored.event) ? stored.event.messageId : ''),
          received_at: stored.receivedAt ?? null,
          reason: err.message,
        });
        continue;
      }
      for (const row of produced) {
        const plan = planRow(schema, row, this.flavour);
        remember(plan.table, plan.newColumns);
        push(plan.table, loadTime(jsonColumnsParsed(schema[plan.table], plan.values)));
        rowCount++;
        for (const d of plan.discards) {
          const table = discardsTable(this.flavour);
          if (!schema[table]) {
            schema[table] = discardsSchema(this.flavour);
            remember(table, schema[table]);
          }
          push(table, loadTime(discardRow(this.flavour, d)));
          discarded++;
        }
      }
    }

    const changes: TableChange[] = [...added].map(([table, columns]) => ({ table, create: !before.has(table), columns }));
    const batch: LoadBatch = { changes, rows, schema, refused, cursor };
    await this.target.apply(batch);
    this.schema = schema;
    return {
      events: events.length,
      rows: rowCount,
      discarded,
      refused: refused.length,
      newTables: changes.filter((c) => c.create).map((c) => c.table),
      newColumns: changes.reduce((n, c) => n + Object.keys(c.columns).length, 0),
      cursor,
    };
  }

  /** Closes the target. */
  close(): Promise<void> {
    return this.target.close();
  }
}

/** JSON columns hold JSON text after eventToRows; targets take the parsed value so it is stored as JSON. */
function jsonColumnsParsed(table: TableSchema, values: Record<string, unknown>): Record<string, unknown> {
  for (const column in values) {
    const value = values[column];
    if (table[column] !== 'json' || typeof value !== 'string') continue;
    try {
      values[column] = JSON.parse(value);
    } catch {
      // Not JSON text: stored as a JSON string.
    }
  }
  return values;
}
