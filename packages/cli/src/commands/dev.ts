/** `rudder dev`: runs the local data plane in the foreground until Ctrl-C. */
import { int, parse, str } from '../args.js';
import { EXIT_OK } from '../errors.js';
import { DEV_HELP } from '../help.js';
import { stderr, stdout } from '../output.js';
import { sdkSnippets } from '../snippets.js';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  config: { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'no-read-token': { type: 'boolean' },
} as const;

export async function runDev(argv: string[]): Promise<number> {
  const { values } = parse('dev', argv, OPTIONS);
  if (values.help) {
    stdout.write(DEV_HELP);
    return EXIT_OK;
  }
  const port = int(values, 'port', 0, 65_535) ?? 8080;
  const { startDataPlane } = await import('@rudderanalytics/dataplane');
  // The data plane's own banner prints the URL, the dev key (in full, the one documented exception:
  // it is public) and only masked forms of any configured key.
  const dp = await startDataPlane({
    port,
    host: str(values, 'host'),
    dbPath: str(values, 'db'),
    configFile: str(values, 'config'),
    allowedHosts: values['allowed-host'] as unknown as string[] | undefined,
    readToken: values['no-read-token'] ? false : undefined,
    logger: {
      info: (m) => stdout.write(`${m}\n`),
      warn: (m) => stderr.write(`${m}\n`),
      error: (m) => stderr.write(`${m}\n`),
    },
  });
  const defaults = dp.url === 'http://127.0.0.1:8080' && dp.sources[0]?.name === 'dev';
  stdout.write(
    defaults
      ? `\nReady. In another shell, with no setup:\n  rudder track --user-id u1 --event "Hello"\n  rudder events --follow\n`
      : `\nReady. In another shell:\n  export RUDDER_DATA_PLANE_URL=${dp.url}\n  rudder track --user-id u1 --event "Hello"\n  rudder events --follow\n`,
  );
  stdout.write(sdkSnippets(dp.url, dp.sources[0]?.name === 'dev' ? dp.writeKey : undefined));
  stdout.write('Press Ctrl-C to stop.\n');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stdout.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: closing the data plane…\n`);
      // A second signal while closing means "now".
      process.once('SIGINT', () => process.exit(130));
      dp.close().then(resolve, (error: unknown) => {
        stderr.write(`error while closing: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  stdout.write('stopped.\n');
  return EXIT_OK;
}
