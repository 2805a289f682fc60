/** Process-level watchers for reliability tests: unhandled rejections and memory peaks. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, so "memory retained" means live objects, not garbage not yet collected.
 * The flag only exposes `gc` to contexts created after it is set, hence the fresh context.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Records every unhandled rejection while installed; a test asserts the list is empty. */
export function recordUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => void process.off('unhandledRejection', listener) };
}

export interface MemoryPeaks {
  /** After a full GC, before the run. */
  baseline: NodeJS.MemoryUsage;
  peakRss: number;
  /** Largest heapUsed seen, garbage included: mostly says how lazily V8 collects. */
  peakHeapUsed: number;
  /** Largest heapUsed right after a full GC: what the run really holds. */
  peakLiveHeap: number;
  samples: number;
}

/**
 * Samples memory every `everyMs`, and the live heap (after a full GC) every `liveEveryMs`, until
 * stopped. A full GC at this heap size costs a few ms, so a sample a second barely slows the run.
 */
export function sampleMemory(everyMs = 50, liveEveryMs = 1000): { stop(): MemoryPeaks } {
  collectGarbage();
  const baseline = process.memoryUsage();
  const peaks: MemoryPeaks = { baseline, peakRss: baseline.rss, peakHeapUsed: baseline.heapUsed, peakLiveHeap: baseline.heapUsed, samples: 1 };
  const sample = () => {
    const m = process.memoryUsage();
    peaks.peakRss = Math.max(peaks.peakRss, m.rss);
    peaks.peakHeapUsed = Math.max(peaks.peakHeapUsed, m.heapUsed);
    peaks.samples++;
  };
  const live = () => {
    sample();
    collectGarbage();
    peaks.peakLiveHeap = Math.max(peaks.peakLiveHeap, process.memoryUsage().heapUsed);
  };
  const timers = [setInterval(sample, everyMs), setInterval(live, liveEveryMs)];
  return {
    stop: () => {
      for (const timer of timers) clearInterval(timer);
      live();
      return peaks;
    },
  };
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Lets timers and I/O run: a producer loop calls this so it shares the event loop like a real app. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
