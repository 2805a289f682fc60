/** `rudder dev`: runs the local data plane in the foreground until Ctrl-C. */
import type { DataPlane } from '@rudderanalytics/dataplane';
import { LOCAL_DATA_PLANE_URL } from '../config.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { devHelp } from '../help.js';
import { currentRun } from '../io.js';
import { maskKey, stderr, stdout } from '../output.js';
import { sdkSnippets } from '../snippets.js';

export async function runDev(argv: string[]): Promise<number> {
  const { parseDataPlaneArgs, DataPlaneArgsError, DATAPLANE_USAGE, DEV_WRITE_KEY, startDataPlane, TrackingPlanError } =
    await import('@rudderanalytics/dataplane');
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(devHelp(DATAPLANE_USAGE));
    return EXIT_OK;
  }
  // The data plane's own parser, so `rudder dev` takes exactly its flags, and RUDDER_PORT / RUDDER_DB as `npm start` does.
  let options;
  try {
    options = parseDataPlaneArgs(argv, currentRun().env);
  } catch (error) {
    if (error instanceof DataPlaneArgsError) throw new UsageError(error.message, 'dev');
    throw error;
  }
  // The data plane's own banner prints the URL, the dev key (in full, the one documented exception:
  // it is public) and only masked forms of any other key.
  let dp: DataPlane;
  try {
    dp = await startDataPlane({
      ...options,
      logger: {
        info: (m) => stdout.write(`${m}\n`),
        warn: (m) => stderr.write(`${m}\n`),
        error: (m) => stderr.write(`${m}\n`),
      },
    });
  } catch (error) {
    // A plan that cannot be read or applied is input the user gave: exit 2, as `rudder plan` does.
    if (!(error instanceof TrackingPlanError)) throw error;
    for (const problem of error.problems) stderr.write(`error: ${problem}\n`);
    return EXIT_USAGE;
  }

  // Listening before the banner: whoever reads "Press Ctrl-C" may signal at once.
  const stopped = new Promise<void>((resolve) => {
    // The listeners stay for the whole run: removing the last one would give a signal that is still
    // being delivered its default action (the process dies mid-close). A second Ctrl-C means "now".
    let closing = false;
    const stop = (signal: NodeJS.Signals) => {
      if (closing) {
        if (signal === 'SIGINT') process.exit(130);
        return;
      }
      closing = true;
      if (!options.quiet) stdout.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: closing the data plane…\n`);
      dp.close().then(resolve, (error: unknown) => {
        stderr.write(`error while closing: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (!options.quiet) {
    const snippets = sdkSnippets(dp.url, dp.writeKey === DEV_WRITE_KEY ? dp.writeKey : undefined);
    stdout.write(`${readyText(dp, DEV_WRITE_KEY)}${snippets}Press Ctrl-C to stop.\n`);
  }
  await stopped;
  if (!options.quiet) stdout.write('stopped.\n');
  return EXIT_OK;
}

/**
 * What another shell needs so that `rudder track` reaches this data plane: nothing with the defaults,
 * else the URL and, when the dev key is not the one accepted, which write key to export (named by its
 * source and last 4 characters, never printed).
 */
export function readyText(dp: Pick<DataPlane, 'url' | 'writeKey' | 'sources'> & { readToken?: string }, devWriteKey: string): string {
  const exports: string[] = [];
  if (dp.url !== LOCAL_DATA_PLANE_URL) exports.push(`export RUDDER_DATA_PLANE_URL=${dp.url}`);
  // Every read needs the token, this machine's included: `rudder events` takes it from the environment.
  if (dp.readToken !== undefined) exports.push('export RUDDER_READ_TOKEN=<the read token printed above>');
  if (dp.writeKey !== devWriteKey) {
    const source = dp.sources.find((s) => !s.disabled)?.name ?? 'the first enabled source';
    exports.push(`export RUDDER_WRITE_KEY=<the write key of source ${source}, ending ${maskKey(dp.writeKey)}>`);
  }
  const commands = ['rudder track --user-id u1 --event "Hello"', 'rudder events --follow'];
  const intro = exports.length === 0 ? 'Ready. In another shell, with no setup:' : 'Ready. In another shell:';
  return `\n${intro}\n${[...exports, ...commands].map((line) => `  ${line}\n`).join('')}`;
}
