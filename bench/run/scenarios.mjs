// What a run measures: the SDKs, the scenarios (mode × N) and which SDKs run in each.

export const CORE = ['noop', 'ours', 'floor-gzip'];
/** Driver backpressure threshold, see bench/child.mjs. */
export const PACE = 19_000;

export const ALL = ['noop', 'ours', 'floor-gzip', 'floor-raw', 'rudder-node', 'segment', 'posthog'];
/** Only with --only=…, in the scenarios that run ours. */
export const EXPERIMENTS = ['ours-http', 'ours-ab'];
export const LABEL = {
  noop: 'driver only (no-op track)',
  ours: 'rudderanalytics (ours)',
  'floor-gzip': 'floor, gzip',
  'floor-raw': 'floor, no gzip',
  'rudder-node': '@rudderstack/rudder-sdk-node',
  segment: '@segment/analytics-node',
  posthog: 'posthog-node',
  'ours-http': 'ours + node:http fetch (experiment)',
  'ours-ab': 'ours from BENCH_SDK_DIST (experiment)',
};

const PEERS_UNDER_FAULTS = ['ours', 'floor-gzip', 'rudder-node', 'segment', 'posthog'];

/** The scenarios of a quick or a full run. */
export function scenarios(quick) {
  return quick
    ? [
        { mode: 'ok', n: 20_000, sdks: ALL },
        { mode: 'flaky', n: 20_000, sdks: PEERS_UNDER_FAULTS },
      ]
    : [
        { mode: 'ok', n: 20_000, sdks: ALL },
        { mode: 'ok', n: 100_000, sdks: ALL },
        { mode: 'ok', n: 1_000_000, sdks: CORE },
        // open loop: no waiting on backpressure, every queue large enough for N (how a burst hits a server)
        { mode: 'open', n: 100_000, sdks: CORE },
        { mode: 'open', n: 1_000_000, sdks: CORE },
        { mode: 'flaky', n: 20_000, sdks: PEERS_UNDER_FAULTS },
      ];
}

/** The measured runs of one repetition, in order: one per scenario and SDK the options select. */
export function planRuns({ quick, only, scenarios: onlyScen, core }) {
  const plan = [];
  for (const sc of scenarios(quick)) {
    if (onlyScen && !onlyScen.includes(`${sc.mode}-${sc.n}`)) continue;
    const sdks = sc.sdks.includes('ours') ? [...sc.sdks, ...EXPERIMENTS] : sc.sdks;
    const wanted = only ?? (core ? CORE : null);
    for (const sdk of sdks)
      if (wanted ? wanted.includes(sdk) : !EXPERIMENTS.includes(sdk)) plan.push({ ...sc, sdk, key: `${sc.mode}|${sc.n}|${sdk}` });
  }
  return plan;
}

/** A scenario as the report names it: "paced 100k", "open loop 1M", "flaky 20k". */
export const scenarioName = (mode, n) =>
  `${mode === 'open' ? 'open loop' : mode === 'ok' ? 'paced' : mode} ${n >= 1e6 ? n / 1e6 + 'M' : n / 1e3 + 'k'}`;
