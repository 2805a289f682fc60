import type { PreparedEvent } from './ingest.js';
import { matches, type EventQuery } from './query.js';
import { preparedRow, rowColumns, type RawRow } from './rows.js';
import { violationMatches } from './tracking-plan.js';

export type RowsListener = (rows: RawRow[]) => void;

/**
 * Fans freshly committed events out to live listeners (SSE clients, in-process subscribers).
 * Rows are only built when someone listens, so ingest pays nothing for an idle page.
 */
export class EventHub {
  private readonly listeners = new Set<RowsListener>();

  subscribe(l: RowsListener): () => void {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }

  publish(source: string, firstId: number, events: PreparedEvent[]): void {
    if (this.listeners.size === 0) return;
    const rows = events.map((e, i) => preparedRow(source, firstId + i, e));
    for (const l of [...this.listeners]) {
      try {
        l(rows);
      } catch {
        // One broken listener must not stop delivery to the others nor fail the ingest request.
      }
    }
  }
}

/** Whether a freshly stored row passes a filter, judged from the row itself (no database read). */
export function rowMatches(q: EventQuery, r: RawRow): boolean {
  return matches(q, rowColumns(r)) && (!q.violation || violationMatches(q.violation, r));
}
