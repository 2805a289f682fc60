import { parseArgs } from 'node:util';
import { startDataPlane, type DataPlane, type DataPlaneOptions } from './dataplane.js';

/** Usage text for the flags {@link parseDataPlaneArgs} understands (for `rudder dev --help`). */
export const DATAPLANE_USAGE = `Options:
  --port <n>                port to listen on (default 8080, 0 = any free port)
  --host <addr>             interface to bind (default 127.0.0.1)
  --db <path>               SQLite file (default ./.rudder/dataplane.db)
  --config <path>           JSON file with {"sources":[{"name","writeKey","disabled"}]}
  --write-key <key>         accept this write key too (repeatable)
  --max-request-bytes <n>   cap on the decompressed body (default 4096000)
  --allowed-host <name>     also answer reads (/api/*, /live) for this Host name (repeatable)
  --read-token <token>      token other machines need to read (default: random when --host is not loopback)
  --no-read-token           no read token even when --host is not loopback
  --quiet                   print nothing`;

/** Turns command-line flags into {@link DataPlaneOptions}; throws with a readable message on bad input. */
export function parseDataPlaneArgs(argv: string[]): DataPlaneOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      config: { type: 'string' },
      'write-key': { type: 'string', multiple: true },
      'max-request-bytes': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'read-token': { type: 'string' },
      'no-read-token': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer`);
    return Number(v);
  };
  return {
    port: int('port', values.port),
    host: values.host,
    dbPath: values.db,
    configFile: values.config,
    writeKeys: values['write-key'],
    maxRequestBytes: int('max-request-bytes', values['max-request-bytes']),
    allowedHosts: values['allowed-host'],
    readToken: values['no-read-token'] ? false : values['read-token'],
    quiet: values.quiet,
  };
}

/**
 * What `rudder dev` runs: start from flags (the banner prints URL, dev write key, live page and
 * database), then close cleanly on SIGINT/SIGTERM. Resolves once closed.
 */
export async function runDataPlane(argv: string[]): Promise<void> {
  const dp: DataPlane = await startDataPlane(parseDataPlaneArgs(argv));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void dp.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
