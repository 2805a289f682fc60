// Events in, warehouse rows out: each event through eventToRows, each row through the schema (new
// tables and columns, conversions, discards), then one transaction on the target with the cursor.
// The schema the loader plans against is the target's own (read at open), so a restart continues
// with the column types the warehouse already has.
import { eventToPlannableRows, EventRefusedError, type EventToRowsOptions } from './event-to-rows.js';
import { providerCase, type Flavour } from './flavour.js';
import { withProcessorTimeFields } from './processor-time.js';
import { discardRow, discardsSchema, discardsTable, newLayout, planRowInto, type RowLayout, type Schema, type TableSchema } from './schema.js';
import type { BatchRow, LoadBatch, RefusedEvent, TableChange, WarehouseTarget } from './targets/target.js';
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
    const tables = new Map<string, TableRows>();
    const refused: RefusedEvent[] = [];
    const loadedAt = this.now().toISOString();
    const loadTimeColumns = [providerCase(this.flavour, 'uuid_ts'), ...(this.flavour === 'bigquery' ? ['loaded_at'] : [])];
    const rowsOf = (table: string): TableRows => {
      let t = tables.get(table);
      if (!t) tables.set(table, (t = { layout: newLayout(Object.keys(schema[table] ?? {})), rows: [] }));
      return t;
    };
    // A row is an array of values in its table's column order, completed with the load time.
    const push = (t: TableRows, values: unknown[]) => {
      for (const column of loadTimeColumns) {
        const i = t.layout.index.get(column);
        if (i !== undefined) values[i] = loadedAt;
      }
      t.rows.push(values);
    };
    const remember = (table: string, cols: TableSchema | undefined) => {
      if (!cols) return;
      const known = added.get(table);
      if (known) Object.assign(known, cols);
      else added.set(table, { ...cols });
    };
    let discarded = 0;
    let rowCount = 0;
    const eventOptions: EventToRowsOptions = { ...this.options, destination: this.flavour };

    for (const stored of events) {
      let produced;
      try {
        const event = stored.receivedAt && isObject(stored.event) ? withProcessorTimeFields(stored.event, stored.receivedAt) : stored.event;
        // One options object per batch, its per-event fields set before each call (eventToRows keeps
        // no reference to it): no copy of the loader's options per event.
        eventOptions.receivedAt = stored.receivedAt;
        eventOptions.sourceId = stored.sourceId;
        produced = eventToPlannableRows(event, eventOptions);
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
        const t = rowsOf(row.table);
        const plan = planRowInto(schema, row, this.flavour, t.layout);
        remember(row.table, plan.newColumns);
        if (plan.newColumns) t.hasJson = undefined;
        t.hasJson ??= hasJsonColumn(schema[row.table]);
        push(t, t.hasJson ? jsonColumnsAsText(schema[row.table], t.layout, plan.values) : plan.values);
        rowCount++;
        if (!plan.discards) continue;
        for (const d of plan.discards) {
          const table = discardsTable(this.flavour);
          if (!schema[table]) {
            schema[table] = discardsSchema(this.flavour);
            remember(table, schema[table]);
          }
          const discards = rowsOf(table);
          push(discards, valuesByPosition(discards.layout, discardRow(this.flavour, d)));
          discarded++;
        }
      }
    }

    const changes: TableChange[] = [...added].map(([table, columns]) => ({ table, create: !before.has(table), columns }));
    const rows = new Map<string, BatchRow[]>();
    const columns = new Map<string, readonly string[]>();
    for (const [table, t] of tables) {
      if (t.rows.length === 0) continue;
      rows.set(table, t.rows);
      columns.set(table, t.layout.columns);
    }
    const batch: LoadBatch = { changes, rows, columns, schema, refused, cursor };
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

/** One table's rows of a batch, positional against its layout. */
interface TableRows {
  layout: RowLayout;
  rows: unknown[][];
  /** Whether the table has a json column (unknown again when columns are added). */
  hasJson?: boolean;
}

/** A row given by column names, by position in `layout` (columns it lacks are appended). */
function valuesByPosition(layout: RowLayout, values: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const column in values) {
    let i = layout.index.get(column);
    if (i === undefined) layout.index.set(column, (i = layout.columns.push(column) - 1));
    out[i] = values[column];
  }
  return out;
}

/**
 * JSON columns leave eventToRows as JSON text; the targets store each json column's value as given, so
 * it must be valid JSON: text that is not (or a value that is not text) is written as its JSON form.
 */
function jsonColumnsAsText(table: TableSchema, layout: RowLayout, values: unknown[]): unknown[] {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined || value === null || table[layout.columns[i]] !== 'json') continue;
    values[i] = jsonText(value);
  }
  return values;
}

function hasJsonColumn(table: TableSchema): boolean {
  for (const column in table) if (table[column] === 'json') return true;
  return false;
}

function jsonText(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return value;
    } catch {
      // Not JSON text: stored as a JSON string.
    }
  }
  return JSON.stringify(value);
}
