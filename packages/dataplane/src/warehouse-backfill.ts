// `rudder warehouse load --from DB --to TARGET`: loads an existing data plane database into a
// warehouse, from the target's cursor on. The same loader and cursor as the live stage, so running it
// twice (or after the stage) loads nothing twice.
import { existsSync } from 'node:fs';
import { defaultEngine, openDatabase } from './engines.js';
import { importWarehouse } from './warehouse-stage.js';

export interface BackfillOptions {
  /** The data plane's SQLite file. */
  from: string;
  /** `duckdb:<file>` or `postgres://…`. */
  to: string;
  flavour?: string;
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (loadedUpTo: number, last: number) => void;
}

export interface BackfillResult {
  target: string;
  flavour: string;
  /** Cursor before and after. */
  from: number;
  to: number;
  events: number;
  rows: number;
  discarded: number;
  refused: number;
}

interface Row {
  id: number;
  source: string;
  received_at: string | null;
  json: string;
}

export async function backfillWarehouse(opts: BackfillOptions): Promise<BackfillResult> {
  if (!existsSync(opts.from)) throw new Error(`no data plane database at ${opts.from}`);
  const wh = await importWarehouse();
  const spec = wh.parseTarget(opts.to);
  const flavour = wh.flavourFor(spec, opts.flavour);
  const db = await openDatabase(await defaultEngine(), opts.from);
  const target = await wh.openTarget(spec);
  try {
    const loader = await wh.WarehouseLoader.open(target, { flavour });
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
