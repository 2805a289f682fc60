/**
 * The transformation stage: a later stage of the local pipeline (the hosted processor's user
 * transformation step), after the tracking plan. It reads stored events after its own cursor, runs
 * them through the transformation in its sandbox process, and writes what came out (transformed,
 * dropped, split, failed, with errors and logs) to its own table, moving its cursor in the same
 * transaction. Ingestion never waits for it: it is woken after events are committed, runs on its own
 * connection, and a slow or failing transformation only makes it fall behind. A crash can repeat a
 * batch, never lose one; a changed transformation starts over from the first stored event.
 */
import type { TransformationRunner, TransformationRun } from '@rudderanalytics/transformations';
import { openDatabase, transaction, type SqlDatabase, type StorageEngine } from './engines.js';
import type { DataPlaneLogger } from './logger.js';
import type { LoadedTransformation } from './transformation-source.js';

const STAGE = 'transformation';
/** Stored events read per step; a transformBatch transformation gets them in one call. */
const STEP_ROWS = 100;

export const TRANSFORMATION_SCHEMA = `
CREATE TABLE IF NOT EXISTS transformed (
  event_id INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  results TEXT NOT NULL,
  logs TEXT NOT NULL,
  transformed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stage_cursors (stage TEXT PRIMARY KEY, last_id INTEGER NOT NULL, target TEXT NOT NULL);
`;

/** What one stored event became. */
export type TransformedStatus = 'transformed' | 'split' | 'dropped' | 'failed';

/** One stored event's outcome: its results in the hosted shape (statusCode 200 output / 298 / 400 error). */
export interface TransformedRecord {
  /** The stored event's row id. */
  id: number;
  /** What the event became: one output, several, none, or an error. */
  status: TransformedStatus;
  /** The call's results for this event, in the order the hosted processor lists them. */
  results: Array<{
    /** 200 for an output, 298 for a drop, 400 for an error. */
    statusCode: number;
    /** The event the transformation returned (statusCode 200). */
    output?: Record<string, unknown>;
    /** Why the event failed (statusCode 400). */
    error?: string;
  }>;
  /** What log(...) printed in the call that handled this event ("Log: …"). */
  logs: string[];
  /** When the call that handled this event finished (ISO 8601). */
  transformedAt: string;
}

interface StoredRow {
  id: number;
  source: string;
  json: string;
}

/** A handled event's outputs, as the next stage (the warehouse) takes them. */
export interface TransformedOutputs {
  /** The stored event's row id. */
  id: number;
  /** The source that sent it. */
  source: string | null;
  /** When the data plane received it. */
  receivedAt: string | null;
  /** The events the transformation returned for it; none when it was dropped or failed. */
  outputs: Record<string, unknown>[];
}

/** The metadata the hosted processor hands the transformer, filled from this data plane's own source and event. */
export function metadataFor(row: StoredRow, event: Record<string, unknown>, t: LoadedTransformation): Record<string, unknown> {
  const ctx = (typeof event.context === 'object' && event.context !== null ? event.context : {}) as Record<string, unknown>;
  return {
    sourceId: row.source,
    sourceName: row.source,
    sourceType: 'HTTP',
    sourceCategory: 'eventStream',
    workspaceId: 'local',
    destinationId: 'local',
    destinationType: 'LOCAL',
    destinationName: 'local data plane',
    trackingPlanId: ctx.trackingPlanId,
    trackingPlanVersion: ctx.trackingPlanVersion,
    jobId: row.id,
    messageId: event.messageId,
    rudderId: event.rudderId,
    receivedAt: event.receivedAt,
    eventName: event.event,
    eventType: event.type,
    transformationId: t.id,
    transformationVersionId: t.target,
  };
}

/** Per stored event, from one call's results (matched back through metadata.jobId, the row id). */
export function recordsOf(rows: StoredRow[], run: TransformationRun, at: string): TransformedRecord[] {
  const byId = new Map<number, TransformedRecord>(
    rows.map((r) => [r.id, { id: r.id, status: 'dropped', results: [], logs: run.logs, transformedAt: at }]),
  );
  for (const r of run.results) {
    const jobId = Number(r.metadata.jobId);
    const targets = byId.has(jobId) ? [byId.get(jobId)!] : [...byId.values()];
    for (const rec of targets) {
      rec.results.push(
        'output' in r
          ? { statusCode: r.statusCode, output: r.output }
          : 'error' in r
            ? { statusCode: r.statusCode, error: r.error }
            : { statusCode: r.statusCode },
      );
    }
  }
  for (const rec of byId.values()) {
    const outputs = rec.results.filter((x) => x.output).length;
    rec.status = rec.results.some((x) => x.error !== undefined) ? 'failed' : outputs > 1 ? 'split' : outputs === 1 ? 'transformed' : 'dropped';
  }
  return [...byId.values()];
}

export class TransformationStage {
  private running = false;
  private again = false;
  private closed = false;
  private waiters: Array<() => void> = [];
  private readonly advanced = new Set<() => void>();
  private cursor = 0;

  private constructor(
    private readonly db: SqlDatabase,
    private readonly runner: TransformationRunner,
    readonly transformation: LoadedTransformation,
    private readonly logger: DataPlaneLogger,
    private kind: 'transformEvent' | 'transformBatch' | undefined,
  ) {}

  static async start(
    path: string,
    engine: StorageEngine,
    transformation: LoadedTransformation,
    logger: DataPlaneLogger,
    limits: { timeoutMs?: number; memoryMb?: number } = {},
  ): Promise<TransformationStage> {
    const { TransformationRunner } = await import('@rudderanalytics/transformations');
    const db = await openDatabase(engine, path);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec(TRANSFORMATION_SCHEMA);
    const runner = new TransformationRunner(limits);
    // Which function the code exports decides the call size; a code that does not load fails each event.
    const probe = await runner.run({ code: transformation.code, libraries: transformation.libraries, name: transformation.name, events: [] });
    if (probe.error) logger.warn(`  transformation ${transformation.id} does not load: ${probe.error.split('\n')[0]}`);
    const stage = new TransformationStage(db, runner, transformation, logger, probe.kind);
    const row = db.prepare('SELECT last_id, target FROM stage_cursors WHERE stage = ?').get(STAGE) as { last_id: number; target: string } | undefined;
    if (row && row.target === transformation.target) stage.cursor = row.last_id;
    else {
      transaction(db, () => {
        db.exec('DELETE FROM transformed');
        db.prepare('INSERT OR REPLACE INTO stage_cursors (stage, last_id, target) VALUES (?, 0, ?)').run(STAGE, transformation.target);
      });
    }
    return stage;
  }

  /** The last stored event id the stage has handled. */
  get position(): number {
    return this.cursor;
  }

  /** Called after events are committed: catches up, never blocking the caller. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pump();
  }

  /** Resolves once every event stored so far has been handled. */
  caughtUp(): Promise<void> {
    if (!this.running && this.cursor >= this.lastStoredId()) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.wake();
    return done;
  }

  /** The outcomes of these stored events (those handled so far). */
  records(ids: number[]): TransformedRecord[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT event_id, status, results, logs, transformed_at FROM transformed WHERE event_id IN (${ids.map(() => '?').join(',')}) ORDER BY event_id`,
      )
      .all(...ids) as Array<{ event_id: number; status: TransformedStatus; results: string; logs: string; transformed_at: string }>;
    return rows.map((r) => ({
      id: r.event_id,
      status: r.status,
      results: JSON.parse(r.results),
      logs: JSON.parse(r.logs),
      transformedAt: r.transformed_at,
    }));
  }

  /** Outcomes after a stored event id, oldest first. */
  recordsAfter(sinceId: number, limit: number): TransformedRecord[] {
    const ids = (
      this.db.prepare('SELECT event_id FROM transformed WHERE event_id > ? ORDER BY event_id LIMIT ?').all(sinceId, limit) as Array<{
        event_id: number;
      }>
    ).map((r) => r.event_id);
    return this.records(ids);
  }

  /**
   * Outputs of handled events after a stored event id, oldest first: what the hosted processor hands
   * its destinations. A failed event has none (as hosted, a failed event reaches no destination, even
   * the outputs its call produced before failing).
   */
  outputsAfter(sinceId: number, limit: number): TransformedOutputs[] {
    const rows = this.db
      .prepare(
        `SELECT t.event_id, t.status, t.results, e.source, e.received_at FROM transformed t LEFT JOIN events e ON e.id = t.event_id
         WHERE t.event_id > ? ORDER BY t.event_id LIMIT ?`,
      )
      .all(sinceId, limit) as Array<{
      event_id: number;
      status: TransformedStatus;
      results: string;
      source: string | null;
      received_at: string | null;
    }>;
    return rows.map((r) => ({
      id: r.event_id,
      source: r.source,
      receivedAt: r.received_at,
      outputs: r.status === 'failed' ? [] : (JSON.parse(r.results) as TransformedRecord['results']).flatMap((x) => (x.output ? [x.output] : [])),
    }));
  }

  /** Calls `listener` after each step's outcomes are committed. Returns the unsubscribe. */
  onAdvance(listener: () => void): () => void {
    this.advanced.add(listener);
    return () => this.advanced.delete(listener);
  }

  /** Forgets every outcome (with the data plane's clear()); the cursor stays, as row ids keep increasing. */
  clear(): void {
    this.db.exec('DELETE FROM transformed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.runner.close();
    while (this.running) await new Promise((r) => setImmediate(r));
    this.db.close();
    for (const w of this.waiters.splice(0)) w();
  }

  private lastStoredId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS v FROM events').get() as { v: number }).v;
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.closed && (await this.step()));
      } while (this.again && !this.closed);
    } catch (err) {
      if (!this.closed) this.logger.error(`transformation stage stopped at event ${this.cursor}: ${(err as Error).message}`);
    } finally {
      this.running = false;
      if (this.closed || this.cursor >= this.lastStoredIdSafe()) for (const w of this.waiters.splice(0)) w();
    }
  }

  private lastStoredIdSafe(): number {
    try {
      return this.lastStoredId();
    } catch {
      return 0;
    }
  }

  /** One step: the next stored events after the cursor; false when there are none. */
  private async step(): Promise<boolean> {
    const rows = this.db.prepare('SELECT id, source, json FROM events WHERE id > ? ORDER BY id LIMIT ?').all(this.cursor, STEP_ROWS) as StoredRow[];
    if (rows.length === 0) return false;
    const t = this.transformation;
    const records: TransformedRecord[] = [];
    const call = async (group: StoredRow[]) => {
      const inputs = group.map((row) => {
        const message = JSON.parse(row.json) as Record<string, unknown>;
        return { message, metadata: metadataFor(row, message, t) };
      });
      const run = await this.runner.run({ code: t.code, libraries: t.libraries, name: t.name, inputs });
      records.push(...recordsOf(group, run, new Date().toISOString()));
    };
    // transformEvent: one call per event, so each event's logs and limits are its own;
    // transformBatch: the step's events in one call, as the hosted processor batches them.
    if (this.kind === 'transformBatch') await call(rows);
    else for (const row of rows) await call([row]);
    if (this.closed) return false;
    const last = rows[rows.length - 1].id;
    transaction(this.db, () => {
      const insert = this.db.prepare('INSERT OR REPLACE INTO transformed (event_id, status, results, logs, transformed_at) VALUES (?, ?, ?, ?, ?)');
      for (const r of records) insert.run(r.id, r.status, JSON.stringify(r.results), JSON.stringify(r.logs), r.transformedAt);
      this.db.prepare('UPDATE stage_cursors SET last_id = ? WHERE stage = ?').run(last, STAGE);
    });
    this.cursor = last;
    for (const listener of this.advanced) listener();
    return true;
  }
}
