// The harness's command line, parsed: what to run, how often, and where the report goes. Pure: the
// arguments and the repository root in, a plain object out.
import path from 'node:path';

export const USAGE = `npm run bench                 full run (≈15 min), writes BENCHMARKS.md + bench/results/full.json
npm run bench -- --quick      20k events only, 1 repetition (≈2 min), writes bench/results/quick.{md,json}

Options: --only=ours,floor-gzip   run only these SDKs
         --scenarios=ok-20000,flaky-20000   run only these scenarios (mode-N)
         --reps=3                  repetitions (median reported)
         --timeout=200             hard per-child timeout, seconds (child is SIGKILLed); --quick: 20
         --open-loop               every scenario without driver backpressure (the \`open\` scenarios always are)
         --slow=60                 a run slower than this many seconds is not repeated
         --core                    only the driver baseline, ours and the floor (no peers), every scenario
         --write / --no-write      force / suppress writing BENCHMARKS.md
         --out=path.md             write the report there instead
         --render=results.json     only re-render the report from a results file, with the options its run
                                   recorded (with --write: BENCHMARKS.md)
         --profile                 also profile ours at 100k (always done in full runs)
         --help                    print this and run nothing`;

/** Options from `args` (process.argv without node and the script); paths under `root`, the repository. */
export function parseOptions(args, root) {
  const opt = (name, def) => {
    const a = args.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
    if (!a) return def;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
  };
  const quick = !!opt('quick', false);
  const only = opt('only', null)?.split(',');
  const scenarios = opt('scenarios', null)?.split(',');
  const core = !!opt('core', false);
  const writeMain = opt('write', null) === true || (!quick && !only && !scenarios && !core && opt('no-write', false) !== true);
  // full run → BENCHMARKS.md + bench/results/full.json; --quick → bench/results/quick.*; partial runs
  // (--only/--scenarios) → .bench-tmp/partial.* (git-ignored)
  const tmpDir = path.join(root, '.bench-tmp');
  const resultsDir = path.join(root, 'bench', 'results');
  return {
    args,
    help: opt('help', false) === true,
    quick,
    reps: Number(opt('reps', quick ? 1 : 3)),
    // quick: a 20 s cap keeps --quick ≈ 2 min; slow peers show as "timeout"
    timeoutS: Number(opt('timeout', quick ? 20 : 200)),
    only,
    scenarios,
    openLoop: !!opt('open-loop', false),
    core,
    // a run slower than this (or a timeout) is not repeated: the median is of fewer reps (--slow=seconds)
    slowMs: Number(opt('slow', 60)) * 1000,
    profile: opt('profile', false) === true,
    render: opt('render', null),
    writeMain,
    tmpDir,
    resultsDir,
    outMd: opt('out', writeMain ? path.join(root, 'BENCHMARKS.md') : quick ? path.join(resultsDir, 'quick.md') : path.join(tmpDir, 'partial.md')),
    outJson: writeMain ? path.join(resultsDir, 'full.json') : quick ? path.join(resultsDir, 'quick.json') : path.join(tmpDir, 'partial.json'),
  };
}
