/**
 * One log line per kind per interval: the same trouble repeated (a full queue, a disk that refuses
 * writes, a Redis outage) must not flood the log; the counters keep the full count.
 */
export const LOG_INTERVAL_MS = 10_000;

export class LogLimit {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = LOG_INTERVAL_MS) {}

  /** Whether a line of `kind` may be logged now; when it may, the next one of that kind waits an interval. */
  allow(kind = '', now = Date.now()): boolean {
    const last = this.last.get(kind);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(kind, now);
    return true;
  }
}
