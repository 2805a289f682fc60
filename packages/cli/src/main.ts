/** The `rudder` command: picks the subcommand, maps errors to exit codes. */
import { ConfigError } from 'rudderanalytics';
import { CALL_TYPES, runCall, type CallType } from './commands/call.js';
import { registerSecretsFromArgv } from './config.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputError, UsageError } from './errors.js';
import { MAIN_HELP } from './help.js';
import { withIO, type CliIO } from './io.js';
import { stderr, stdout } from './output.js';

export { maskKey } from './output.js';
export type { CliIO, InStream, OutStream } from './io.js';

/** The commands besides the calls (`identify`, `track`, … in `CALL_TYPES`), each loaded only when run; `rudder --help` lists them all. */
export const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  send: async (argv) => (await import('./commands/send.js')).runSend(argv),
  dev: async (argv) => (await import('./commands/dev.js')).runDev(argv),
  events: async (argv) => (await import('./commands/events.js')).runEvents(argv),
  plan: async (argv) => (await import('./commands/plan.js')).runPlan(argv),
  typegen: async (argv) => (await import('./commands/typegen.js')).runTypegen(argv),
  warehouse: async (argv) => (await import('./commands/warehouse.js')).runWarehouse(argv),
  transformations: async (argv) => (await import('./commands/transformations.js')).runTransformations(argv),
};

/**
 * Runs `rudder` with `argv` (without node and the script) and resolves with the exit code. With `io`,
 * the run reads and writes those streams and that environment instead of the process's (see io.ts).
 */
export function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
  return withIO(io, () => run(argv));
}

async function run(argv: string[]): Promise<number> {
  registerSecretsFromArgv(argv);
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? stderr : stdout).write(MAIN_HELP);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if ((CALL_TYPES as readonly string[]).includes(command)) return await runCall(command as CallType, rest);
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`unknown command '${command}'`);
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command ? `rudder ${error.command} --help` : 'rudder --help';
      stderr.write(`error: ${error.message}\nsee '${help}'\n`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    // A bad --data-plane-url or option value is a usage mistake.
    if (error instanceof ConfigError) {
      stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
