// Issue #13's targets for ours, each met or missed: every ratio paired (ours ÷ floor-gzip in the same
// repetition), medians of the reps.
import { f, fi } from './format.mjs';
import { scenarioName } from './scenarios.mjs';
import { find, leakPerEvent, ratios } from './statistics.mjs';

// "Heap after close back to the baseline (no leak)", as two checks that fail on a leak (see Method):
export const HELD_AFTER_CLOSE_KB = 100; // heap the closed client still holds: what a full GC frees once the driver drops it
export const LEAK_B_PER_EVENT = 1; // heap after close, per extra event: the largest N of a mode against its smallest

/** Every target this run can measure: `{ name, ok, value, bound }`. */
export function targets(S, runs) {
  const T = [];
  const add = (name, ok, value, bound) => T.push({ name, ok, value, bound });
  for (const r of ratios(S, runs)) {
    if (r.n < 100_000) continue;
    const sc = scenarioName(r.mode, r.n);
    add(
      `${sc}: CPU ≤ 1.2× floor-gzip`,
      r.cpuPaired <= 1.2,
      `${f(r.cpuPaired)}× (medians ${f(r.o.cpuMs / 1000)} s vs ${f(r.fl.cpuMs / 1000)} s)`,
      '≤ 1.2×',
    );
    add(
      `${sc}: wire bytes ≤ 1.05× floor-gzip`,
      r.wirePaired <= 1.05,
      `${f(r.wirePaired, 3)}× (${f(r.o.wireBytes / 1e6)} MB vs ${f(r.fl.wireBytes / 1e6)} MB)`,
      '≤ 1.05×',
    );
    const drv = find(S, r.mode, r.n, 'noop');
    add(
      `${sc}: peak RSS ≤ 1.25× floor-gzip`,
      r.rssPaired <= 1.25,
      `${f(r.rssPaired)}× (medians ${f(r.o.peakRssMB, 0)} MB vs ${f(r.fl.peakRssMB, 0)} MB; driver alone ${drv?.okReps ? f(drv.peakRssMB, 0) : '?'} MB)`,
      '≤ 1.25×',
    );
    add(
      `${sc}: track() p99 ≤ 1.1× floor-gzip's`,
      r.p99Paired <= 1.1,
      `${f(r.p99Paired)}× (medians ${f(r.o.p99us)} µs vs ${f(r.fl.p99us)} µs)`,
      '≤ 1.1×',
    );
  }
  heapTargets(S, add);
  const oFl = find(S, 'flaky', 20_000, 'ours');
  if (oFl?.okReps) {
    add('flaky: every event delivered', oFl.minUnique >= oFl.n, `${fi(oFl.minUnique)} / ${fi(oFl.n)} unique (worst rep)`, `= N`);
    const base = find(S, 'ok', oFl.n, 'ours');
    if (base?.okReps)
      add(
        'flaky: wall ≤ 5× fault-free wall',
        oFl.wallMs <= 5 * base.wallMs,
        `${f(oFl.wallMs / 1000)} s vs ${f(base.wallMs / 1000)} s (${f(oFl.wallMs / base.wallMs)}×)`,
        '≤ 5×',
      );
  } else if (oFl) add('flaky: every event delivered', false, oFl.status + (oFl.error ? ': ' + oFl.error : ''), '= N');
  return T;
}
function heapTargets(S, add) {
  for (const mode of ['ok', 'open']) {
    const runs = (sdk) => S.filter((s) => s.mode === mode && s.sdk === sdk && s.okReps && Number.isFinite(s.heapGrowthMB)).sort((a, b) => a.n - b.n);
    const ours = runs('ours');
    for (const s of ours)
      if (s.n >= 100_000 && Number.isFinite(s.heapReleasedMB))
        add(
          `${scenarioName(mode, s.n)}: nothing of the client's kept after close`,
          s.heapReleasedMB * 1024 <= HELD_AFTER_CLOSE_KB,
          `${f(s.heapReleasedMB * 1024, 0)} KB held by the closed client (freed when the driver drops it, full GC)`,
          `≤ ${HELD_AFTER_CLOSE_KB} KB`,
        );
    if (ours.length < 2) continue;
    const [small, large] = [ours[0], ours.at(-1)];
    const perEvent = leakPerEvent(small, large);
    const floor = runs('floor-gzip').filter((s) => s.n === small.n || s.n === large.n);
    const floorText = floor.length === 2 ? `; floor ${f(leakPerEvent(floor[0], floor[1]))} B` : '';
    add(
      `${scenarioName(mode, large.n)}: heap after close does not grow with N`,
      perEvent <= LEAK_B_PER_EVENT,
      `${f(perEvent)} B per extra event${floorText} (heap after close − before: ${f(small.heapGrowthMB)} MB at ${scenarioName(mode, small.n)}, ${f(large.heapGrowthMB)} MB at ${scenarioName(mode, large.n)}, full GC)`,
      `≤ ${LEAK_B_PER_EVENT} B/event`,
    );
  }
}
