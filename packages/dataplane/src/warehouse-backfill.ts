// `rudder warehouse load --from DB --to TARGET`: loads an existing data plane database into a
// warehouse, from the target's cursor on. The same loader and cursor as the live stage, so running it
// twice (or after the stage) loads nothing twice.
import { existsSync } from 'node:fs';
import { defaultEngine, openDatabase } from './engines.js';
import { importWarehouse } from './warehouse-stage.js';

/** Options of {@link backfillWarehouse}. */
export interface BackfillOptions {
  /** The data plane's SQLite file. */
  from: string;
  /** `duckdb:<file>` or `postgres://…`. */
  to: string;
  /** For DuckDB: postgres (default), snowflake, bigquery or redshift rules. */
  flavour?: string;
  /** Events per transaction; default 5000. */
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (loadedUpTo: number, last: number) => void;
}

/** What {@link backfillWarehouse} loaded. */
export interface BackfillResult {
  /** `duckdb:<file>`, or the Postgres URL without its password. */
  target: string;
  /** The rules followed. */
  flavour: string;
  /** The cursor (last loaded row id) before the run. */
  from: number;
  /** The cursor after it. */
  to: number;
  /** Events loaded. */
  events: number;
  /** Warehouse rows written. */
  rows: number;
  /** Values sent to rudder_discards. */
  discarded: number;
  /** Events the rules refused. */
  refused: number;
}

interface Row {
  id: number;
  source: string;
  received_at: string | null;
  json: string;
}

/** Loads a data plane database into a warehouse from the warehouse's cursor on (`rudder warehouse load`). */
export async function backfillWarehouse(opts: BackfillOptions): Promise<BackfillResult> {
  if (!existsSync(opts.from)) throw new Error(`no data plane database at ${opts.from}`);
  const wh = await importWarehouse();
  const spec = wh.parseTarget(opts.to);
  const flavour = wh.flavourFor(spec, opts.flavour);
  const db = await openDatabase(await defaultEngine(), opts.from);
  const target = await wh.openTarget(spec);
  try {
    const loader = await wh.WarehouseLoader.open(target, { flavour });
    const mergeUsers = () => wh.mergeUsers(target, loader.currentSchema(), flavour, spec.kind);
    await mergeUsers();
    const start = await loader.cursor();
    const last = (db.prepare('SELECT max(id) AS v FROM events').get() as { v: number | null }).v ?? 0;
    const read = db.prepare('SELECT id, source, received_at, json FROM events WHERE id > ? ORDER BY id LIMIT ?');
    const result: BackfillResult = { target: target.description, flavour, from: start, to: start, events: 0, rows: 0, discarded: 0, refused: 0 };
    for (;;) {
      const rows = read.all(result.to, opts.batchSize ?? 5000) as Row[];
      if (rows.length === 0) break;
      const summary = await loader.load(
        rows.map((r) => ({ event: JSON.parse(r.json) as Record<string, unknown>, receivedAt: r.received_at ?? undefined, sourceId: r.source })),
        rows[rows.length - 1].id,
      );
      await mergeUsers();
      result.to = summary.cursor;
      result.events += summary.events;
      result.rows += summary.rows;
      result.discarded += summary.discarded;
      result.refused += summary.refused;
      opts.onProgress?.(result.to, last);
    }
    return result;
  } finally {
    db.close();
    await target.close();
  }
}
