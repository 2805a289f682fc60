/**
 * `rudder typegen`: writes a typed client for a tracking plan (generateClient from
 * @rudderanalytics/tracking-plan), or with --check tells CI whether the file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateClient, isUpToDate } from '@rudderanalytics/tracking-plan';
import { parse, str, type Values } from '../args.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { stderr, stdout } from '../output.js';
import { readConfig, readPlan } from './plan-files.js';

export const TYPEGEN_HELP = `Usage: rudder typegen --plan PLAN (--out FILE | --out-dir DIR) [--config CONFIG] [--no-validate] [--check]

  Writes a TypeScript module of typed calls for a tracking plan: one function per planned track
  event, typed identify/page/screen/group where the plan has rules, over your RudderAnalytics client
  (const analytics = typedClient(client)). Every call stamps context.ruddertyper with the plan's id
  and version. The plan's validators are compiled in (no ajv at run time): planPlugin({ onViolation })
  checks each event at the call with the data plane's verdicts.

  --plan PLAN        the plan, in any layout 'rudder plan' reads
  --out FILE         the file to write (e.g. src/analytics.ts)
  --out-dir DIR      or a directory: writes DIR/analytics.ts
  --config CONFIG    the source's tracking-plan config: the plugin's default settings
  --no-validate      types and typed calls only: no compiled validators, no planPlugin
  --check            write nothing; exit 1 when the file is missing or not what the plan generates (CI)

Examples:
  rudder typegen --plan plan.json --out src/analytics.ts
  rudder typegen --plan plan.json --out src/analytics.ts --check
`;

const OPTIONS = {
  plan: { type: 'string' },
  out: { type: 'string' },
  'out-dir': { type: 'string' },
  config: { type: 'string' },
  'no-validate': { type: 'boolean' },
  check: { type: 'boolean' },
} as const;

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The command that writes what --check expects: every flag that shapes the file, as given, less --check. */
function regenerateCommand(values: Values): string {
  const words = ['rudder', 'typegen'];
  for (const flag of ['plan', 'out', 'out-dir', 'config'] as const) {
    const value = str(values, flag);
    if (value !== undefined) words.push(`--${flag}`, shellWord(value));
  }
  if (values['no-validate'] === true) words.push('--no-validate');
  return words.join(' ');
}

function outputPath(out: string | undefined, outDir: string | undefined): string {
  if (out !== undefined && outDir !== undefined) throw new UsageError('give --out or --out-dir, not both', 'typegen');
  if (out !== undefined) return out;
  if (outDir !== undefined) return join(outDir, 'analytics.ts');
  throw new UsageError('--out FILE or --out-dir DIR is required', 'typegen');
}

/** Runs `rudder typegen …` and resolves with the exit code. */
export async function runTypegen(argv: string[]): Promise<number> {
  const { values } = parse('typegen', argv, OPTIONS);
  if (values.help) {
    stdout.write(TYPEGEN_HELP);
    return EXIT_OK;
  }
  const planPath = str(values, 'plan');
  if (planPath === undefined) throw new UsageError('--plan is required', 'typegen');
  const path = outputPath(str(values, 'out'), str(values, 'out-dir'));
  const plan = readPlan(planPath);
  const config = readConfig(str(values, 'config'));
  const options = { validate: values['no-validate'] !== true, ...(config ? { config } : {}) };
  if (values.check) {
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (isUpToDate(existing, plan, options)) {
      stdout.write(`${path} is up to date with plan ${plan.id} version ${plan.version}\n`);
      return EXIT_OK;
    }
    stderr.write(`${path} ${existing === undefined ? 'is missing' : 'is stale'}: run ${regenerateCommand(values)}\n`);
    return EXIT_FAILED;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, generateClient(plan, options));
  stdout.write(`wrote ${path} (plan ${plan.id} version ${plan.version})\n`);
  return EXIT_OK;
}
