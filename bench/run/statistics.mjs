// The figures of a run: medians over repetitions, and ours against the floor, paired per repetition.

/** The median of the finite numbers in `xs`; NaN when there are none. */
export const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** A run's repetitions as one row of medians (and why any repetition did not count). */
export function summarize(runs) {
  const ok = runs.filter((r) => r.status === 'ok');
  const pick = (f) => median(ok.map(f));
  const bad = runs.filter((r) => r.status !== 'ok');
  const s = {
    reps: runs.length,
    okReps: ok.length,
    status: bad.length === 0 ? 'ok' : ok.length === 0 ? bad[0].status : `${ok.length}/${runs.length} ok`,
    error: bad[0]?.error,
  };
  if (!ok.length) return s;
  return Object.assign(s, {
    wallMs: pick((r) => r.result.wallMs),
    drainMs: pick((r) => r.result.drainMs),
    cpuMs: pick((r) => r.result.cpuMs),
    peakRssMB: pick((r) => r.result.peakRssBytes / 1048576),
    p50us: pick((r) => r.result.p50us),
    p99us: pick((r) => r.result.p99us),
    p999us: pick((r) => r.result.p999us),
    warmP99us: pick((r) => r.result.warmP99us),
    heapBeforeMB: pick((r) => r.result.heapBeforeMB),
    heapAfterGcMB: pick((r) => r.result.heapAfterGcMB),
    heapGrowthMB: pick((r) => r.result.heapAfterGcMB - r.result.heapBeforeMB),
    heapReleasedMB: pick((r) => r.result.heapReleasedMB),
    requests: pick((r) => r.sink.requests),
    rejected: pick((r) => r.sink.rejected),
    wireBytes: pick((r) => r.sink.wireBytes),
    jsonBytes: pick((r) => r.sink.jsonBytes),
    delivered: pick((r) => r.sink.messages),
    unique: pick((r) => r.sink.unique),
    minUnique: Math.min(...ok.map((r) => r.sink.unique)),
    maxDepth: pick((r) => r.result.maxDepth),
    pausedMs: pick((r) => r.result.pausedMs),
    trackLoopMs: pick((r) => r.result.trackLoopMs),
    heapUsedMB: pick((r) => r.result.peakHeapUsedMB),
    heapTotalMB: pick((r) => r.result.peakHeapTotalMB),
    externalMB: pick((r) => r.result.peakExternalMB),
    arrayBuffersMB: pick((r) => r.result.peakArrayBuffersMB),
    invCtx: pick((r) => r.result.involuntaryCtxSwitches),
    maxUs: pick((r) => r.result.maxUs),
    encodings: ok[0].sink.encodings,
    paths: ok[0].sink.paths,
    extra: ok[ok.length - 1].result.extra,
  });
}

/** The summary row of one scenario and SDK. */
export const find = (S, mode, n, sdk) => S.find((s) => s.mode === mode && s.n === n && s.sdk === sdk);

// Ours vs floor-gzip. The box is shared, so load drifts during a run; ours and the floor run back to
// back in every repetition, so the ratio is taken per repetition (paired) and its median reported,
// next to the ratio of the medians. `runs`: each run's key to its repetitions, as measured.
export function ratios(S, runs) {
  const out = [];
  for (const mode of ['ok', 'open']) {
    for (const n of [...new Set(S.map((s) => s.n))]) {
      const o = find(S, mode, n, 'ours');
      const fl = find(S, mode, n, 'floor-gzip');
      if (!o?.okReps || !fl?.okReps) continue;
      const ro = runs.get(o.key) || [];
      const rf = runs.get(fl.key) || [];
      const paired = (g) => {
        const xs = [];
        for (let i = 0; i < Math.min(ro.length, rf.length); i++) if (ro[i].status === 'ok' && rf[i].status === 'ok') xs.push(g(ro[i]) / g(rf[i]));
        return median(xs);
      };
      out.push({
        mode,
        n,
        o,
        fl,
        cpu: o.cpuMs / fl.cpuMs,
        cpuPaired: paired((r) => r.result.cpuMs),
        wire: o.wireBytes / fl.wireBytes,
        wirePaired: paired((r) => r.sink.wireBytes),
        wall: o.wallMs / fl.wallMs,
        rss: o.peakRssMB / fl.peakRssMB,
        rssPaired: paired((r) => r.result.peakRssBytes),
        p99Paired: paired((r) => r.result.p99us),
      });
    }
  }
  return out;
}

/** Bytes of heap left after close per extra event: (growth at the largest N − at the smallest) / ΔN. */
export const leakPerEvent = (small, large) => ((large.heapGrowthMB - small.heapGrowthMB) * 1048576) / (large.n - small.n);
