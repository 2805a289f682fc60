/**
 * What `rudder send` shows while it runs: a redrawn bar on a terminal, plain periodic lines otherwise,
 * and the one-line summary at the end.
 */
import type { Writer } from '../output.js';

export interface Counts {
  /** Records read (lines, or items of arrays/batches), invalid ones included. */
  read: number;
  delivered: number;
  invalid: number;
  failed: number;
  dropped: number;
  /** Input bytes read so far. */
  bytes: number;
}

export function newCounts(): Counts {
  return { read: 0, delivered: 0, invalid: 0, failed: 0, dropped: 0, bytes: 0 };
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

export function summaryLine(c: Counts, elapsedMs: number, dryRun: boolean): string {
  const rate = elapsedMs > 0 ? (c.read * 1000) / elapsedMs : 0;
  const done = dryRun ? `valid ${n(c.read - c.invalid)}` : `delivered ${n(c.delivered)}`;
  const tail = dryRun ? ' (dry run: nothing sent)' : '';
  return `read ${n(c.read)} · ${done} · invalid ${n(c.invalid)} · failed ${n(c.failed)} · dropped ${n(c.dropped)} · ${duration(elapsedMs)} · ${n(rate)} events/s${tail}`;
}

export class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly out: Writer,
    private readonly counts: Counts,
    private readonly options: { totalBytes: number | undefined; intervalMs: number; dryRun: boolean },
  ) {}

  start(): void {
    const every = this.out.isTTY ? 200 : this.options.intervalMs;
    this.timer = setInterval(() => this.render(), every);
    this.timer.unref();
  }

  /** Clears the bar (terminal), so the summary starts on a clean line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.drawn && this.out.isTTY) this.out.write('\r\x1b[K');
  }

  private render(): void {
    const c = this.counts;
    const elapsed = Date.now() - this.started;
    const rate = elapsed > 0 ? ((this.options.dryRun ? c.read : c.delivered) * 1000) / elapsed : 0;
    const total = this.options.totalBytes;
    const fraction = total ? Math.min(1, c.bytes / total) : undefined;
    let eta = '';
    if (fraction !== undefined && fraction > 0 && fraction < 1) eta = ` · ETA ${duration((elapsed * (1 - fraction)) / fraction)}`;
    // Rate and ETA first: on a narrow terminal the line is cut at the right.
    const stats = `${n(rate)} events/s${eta} · ${this.options.dryRun ? 'valid' : 'delivered'} ${n(this.options.dryRun ? c.read - c.invalid : c.delivered)} · failed ${n(c.failed)} · invalid ${n(c.invalid)} · read ${n(c.read)}`;
    if (this.out.isTTY) {
      const pct = fraction !== undefined ? `${bar(fraction, 20)} ${String(Math.floor(fraction * 100)).padStart(3)}% ` : '';
      const line = `${pct}${stats}`;
      this.out.write(`\r\x1b[K${line.slice(0, Math.max(20, this.out.columns - 1))}`);
      this.drawn = true;
    } else {
      this.out.write(`progress: ${fraction !== undefined ? `${Math.floor(fraction * 100)}% · ` : ''}${stats}\n`);
    }
  }
}

function bar(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}
