// The report's tables, as Markdown: results, diagnostics, ours against the floor, targets, profile.
import { f, fi } from './format.mjs';
import { LABEL, scenarioName } from './scenarios.mjs';
import { ratios } from './statistics.mjs';
import { targets } from './targets.mjs';

/** One row per scenario and SDK: the headline figures. */
export function table(S) {
  const head =
    '| scenario | SDK | reps | wall s | CPU s | CPU µs/evt | peak RSS MB | track() p50 µs | p99 µs | requests | wire MB | wire B/evt | JSON B/evt | delivered | unique | status |\n' +
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|';
  const rows = S.map((s) => {
    const sc = `${s.mode} ${s.n >= 1e6 ? s.n / 1e6 + 'M' : s.n / 1e3 + 'k'}`;
    const st = s.status === 'ok' ? 'ok' : `**${s.status}**${s.error ? ': ' + s.error.replace(/\|/g, '/') : ''}`;
    if (!s.okReps) return `| ${sc} | ${LABEL[s.sdk]} | ${s.reps} | – | – | – | – | – | – | – | – | – | – | – | – | ${st} |`;
    if (s.sdk === 'noop')
      return `| ${sc} | ${LABEL[s.sdk]} | ${s.okReps} | ${f(s.wallMs / 1000)} | ${f(s.cpuMs / 1000)} | ${f((s.cpuMs * 1000) / s.n)} | ${f(s.peakRssMB, 0)} | ${f(s.p50us)} | ${f(s.p99us)} | – | – | – | – | – | – | baseline |`;
    const lost = s.unique < s.n ? ` (${fi(s.n - s.minUnique)} lost)` : '';
    return `| ${sc} | ${LABEL[s.sdk]} | ${s.okReps} | ${f(s.wallMs / 1000)} | ${f(s.cpuMs / 1000)} | ${f((s.cpuMs * 1000) / s.n)} | ${f(s.peakRssMB, 0)} | ${f(s.p50us)} | ${f(s.p99us)} | ${fi(s.requests)}${s.rejected ? ` (${fi(s.rejected)}×503)` : ''} | ${f(s.wireBytes / 1e6)} | ${f(s.wireBytes / s.n, 0)} | ${f(s.jsonBytes / Math.max(1, s.delivered), 0)} | ${fi(s.delivered)} | ${fi(s.unique)}${lost} | ${st} |`;
  });
  return [head, ...rows].join('\n');
}

/** One row per scenario and SDK that ran: where the time and memory went. */
export function diagTable(S) {
  const head =
    '| scenario | SDK | track loop s | drain s | paused s (backpressure) | max backlog | peak heapUsed MB | peak heapTotal MB | peak external MB | peak arrayBuffers MB | heap before → after close MB | track() p99 after 2k calls µs | p99.9 µs | max µs | involuntary ctx switches |\n' +
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const rows = S.filter((s) => s.okReps).map((s) => {
    const sc = `${s.mode} ${s.n >= 1e6 ? s.n / 1e6 + 'M' : s.n / 1e3 + 'k'}`;
    return `| ${sc} | ${LABEL[s.sdk]} | ${f(s.trackLoopMs / 1000)} | ${f(s.drainMs / 1000)} | ${f(s.pausedMs / 1000)} | ${fi(s.maxDepth)} | ${f(s.heapUsedMB, 0)} | ${f(s.heapTotalMB, 0)} | ${f(s.externalMB, 0)} | ${f(s.arrayBuffersMB, 0)} | ${f(s.heapBeforeMB, 1)} → ${f(s.heapAfterGcMB, 1)} | ${f(s.warmP99us)} | ${f(s.p999us, 1)} | ${f(s.maxUs, 0)} | ${fi(s.invCtx)} |`;
  });
  return [head, ...rows].join('\n');
}

/** Ours ÷ floor-gzip per scenario, paired and as the ratio of medians. */
export function ratiosText(S, runs) {
  const R = ratios(S, runs);
  if (!R.length) return '(no ours/floor-gzip pair)';
  return (
    '| scenario | CPU ours/floor-gzip (paired) | CPU, ratio of medians | wire bytes (paired) | peak RSS (paired) | peak RSS, ratio of medians | track() p99 (paired) | wall, ratio of medians |\n|---|--:|--:|--:|--:|--:|--:|--:|\n' +
    R.map(
      (r) =>
        `| ${scenarioName(r.mode, r.n)} | **${f(r.cpuPaired)}×** | ${f(r.cpu)}× | **${f(r.wirePaired)}×** | **${f(r.rssPaired)}×** | ${f(r.rss)}× | **${f(r.p99Paired)}×** | ${f(r.wall)}× |`,
    ).join('\n') +
    '\n\n*Paired* = median over repetitions of (ours ÷ floor-gzip in the same repetition, run back to back); the targets use it.'
  );
}

/** Each target, its bound, what was measured and whether it was met. */
export function targetsTable(S, runs) {
  const T = targets(S, runs);
  if (!T.length) return '(no targets measurable in this run)';
  return (
    '| target | bound | measured | |\n|---|---|---|---|\n' +
    T.map((t) => `| ${t.name} | ${t.bound} | ${t.value} | ${t.ok ? '**met**' : '**MISSED**'} |`).join('\n')
  );
}

/** The CPU profile of ours at 100k, by origin and by function. */
export function profileSection(p) {
  const line = (r) => `| ${f(r.pct, 1)}% | ${f(r.ms, 0)} | \`${r.fn.replace(/\|/g, '/')}\` |`;
  const tbl = (rows) => '| % of busy | ms | function |\n|--:|--:|---|\n' + rows.map(line).join('\n');
  return `## Profile: ours, 100k events (\`node bench/profile.mjs\`)

\`node --cpu-prof\` of one ours-100k child (main thread only; zlib runs on the libuv pool and is not in it).
Sampled ${f(p.sampledMs / 1000)} s, busy ${f(p.busyMs / 1000)} s. The samples are wall-clock: on a loaded 2-core box
time the thread spent descheduled is charged to whatever function it was in, so read percentages as ±several points.
Profile file: \`${p.file}\` (git-ignored).

By origin:

${tbl(p.origins)}

Top self time, SDK functions (\`packages/rudderanalytics/dist\`):

${tbl(p.topSdk.slice(0, 12))}

Top self time, everything:

${tbl(p.topAll.slice(0, 12))}

Inclusive time, SDK functions:

${tbl(p.inclSdk.slice(0, 12))}
`;
}
