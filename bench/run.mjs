#!/usr/bin/env node
// Benchmark harness (issue 6). See BENCHMARKS.md for the method and the latest figures; `--help` for the
// options. Every measured run is one child process (bench/child.mjs) for one SDK, talking to its own sink
// process (bench/sink.mjs) on 127.0.0.1; figures are the median over repetitions.
//
// The parts, one job each, under bench/run/: options (the command line), scenarios (what runs), runner
// (the processes and repetitions), statistics and targets (the figures), metadata (machine, versions,
// build), tables and report (the Markdown).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distStamp, gitSdk, machine, versions } from './run/metadata.mjs';
import { parseOptions, USAGE } from './run/options.mjs';
import { report } from './run/report.mjs';
import { runRepetitions } from './run/runner.mjs';
import { planRuns } from './run/scenarios.mjs';
import { summarize } from './run/statistics.mjs';
import { ratiosText, table, targetsTable } from './run/tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** BENCHMARKS.md as it is now, for the sections other tools wrote into it ('' when there is none). */
function previousReport() {
  try {
    return readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8');
  } catch {
    return '';
  }
}

/** Re-renders the report from a results file, with the settings its run recorded; runs nothing. */
function render(options) {
  const raw = JSON.parse(readFileSync(options.render, 'utf8'));
  const run = parseOptions(raw.args, root);
  const runs = new Map(raw.runs.map((r) => [r.key, r.runs]));
  writeFileSync(options.outMd, report(raw, { runs, reps: run.reps, slowMs: run.slowMs, timeoutS: run.timeoutS, previous: previousReport() }));
  console.log(`rendered ${path.relative(root, options.outMd)} from ${options.render}`);
}

async function main() {
  const options = parseOptions(process.argv.slice(2), root);
  if (options.help) return console.log(USAGE);
  if (options.render) return render(options);
  const { args, reps, timeoutS, quick, outMd, outJson } = options;
  const plan = planRuns(options);
  mkdirSync(options.resultsDir, { recursive: true });
  mkdirSync(options.tmpDir, { recursive: true });
  if (plan.some((p) => p.sdk.startsWith('ours')) && !existsSync(path.join(root, 'packages', 'rudderanalytics', 'dist', 'esm', 'index.js'))) {
    console.error('rudderanalytics is not built: run `npm run build -w rudderanalytics` first.');
    process.exit(1);
  }
  if (plan.some((p) => p.sdk.startsWith('ours')) && !existsSync(path.join(root, 'node_modules', 'rudderanalytics'))) {
    console.error('rudderanalytics is not linked in node_modules: run `npm install` at the repo root first.');
    process.exit(1);
  }
  const began = new Date();
  const load0 = os.loadavg();
  const sdkCommit = gitSdk(root);
  const dist0 = distStamp(root);
  console.log(`# ${plan.length} runs × ${reps} reps, timeout ${timeoutS} s, ${quick ? 'quick' : 'full'} mode`);
  const runs = await runRepetitions(plan, options, (line) => console.log(line));
  // CPU profile of ours at 100k (full runs, or --profile)
  let profile = null;
  if ((options.writeMain || options.profile) && plan.some((p) => p.sdk === 'ours')) {
    const { record, analyze } = await import('./profile.mjs');
    const rec = await record({ sdk: 'ours', n: 100_000, mode: 'ok' });
    if (rec.file) profile = analyze(rec.file, 15);
  }
  const ended = new Date();
  const dist1 = distStamp(root);
  const distNote =
    dist0 === dist1
      ? `dist unchanged during the run (newest file ${dist0})`
      : `**the SDK's dist was rebuilt during the run** (${dist0} → ${dist1}): figures may mix two builds`;
  if (dist0 !== dist1) console.log(`WARNING: ${distNote}`);
  const summary = plan.map((p) => ({ ...p, ...summarize(runs.get(p.key)) }));
  const raw = {
    began: began.toISOString(),
    ended: ended.toISOString(),
    args,
    machine: machine(),
    load: { before: load0, after: os.loadavg() },
    versions: versions(root),
    sdkCommit,
    distNote,
    summary,
    profile,
    runs: plan.map((p) => ({ key: p.key, runs: runs.get(p.key).map(({ log, ...r }) => ({ ...r, logTail: r.status === 'ok' ? undefined : log })) })),
  };
  writeFileSync(outJson, JSON.stringify(raw, null, 1));
  const md = report(raw, { runs, reps, slowMs: options.slowMs, timeoutS, previous: previousReport() });
  writeFileSync(outMd, md);
  console.log('\n' + table(summary));
  console.log('\n' + ratiosText(summary, runs));
  console.log('\n' + targetsTable(summary, runs));
  console.log(`\nwrote ${path.relative(root, outMd)} and ${path.relative(root, outJson)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
