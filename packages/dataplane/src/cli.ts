/**
 * The data plane's command-line flags and environment, parsed in one place for every way it is
 * started from a shell: `rudder dev` and the repository's `npm start`.
 */
import { parseArgs } from 'node:util';
import type { DataPlaneOptions } from './dataplane.js';

/** Usage text for the flags and variables {@link parseDataPlaneArgs} understands (for `rudder dev --help`). */
export const DATAPLANE_USAGE = `Flags:
  --port N                 port (default 8080, or $RUDDER_PORT; 0 picks a free one)
  --host HOST              interface (default 127.0.0.1; anything else exposes the dev key)
  --db FILE                SQLite file (default ./.rudder/dataplane.db, or $RUDDER_DB; ':memory:' keeps nothing)
  --config FILE            JSON {"sources":[{"writeKey":"…","name":"web","disabled":false}],"devWriteKey":"…"|false}
  --write-key KEY          accept this write key too (repeatable; shown masked)
  --max-request-bytes N    cap on the decompressed request body (default 4096000; 413 beyond it)
  --tracking-plan FILE     check ingested events against a tracking plan (any layout), as the hosted processor
  --tracking-plan-config FILE  its settings: {"global":{"allowUnplannedEvents":"false",…},"track":{…}}
  --tracking-plan-lenient  start even when some of the plan's schemas do not compile (their events
                           pass unchecked, as on the hosted data plane; the live page lists them)
  --transformation PATH    apply a user transformation to every stored event (a .js file, or a
                           rudder-cli project folder/YAML; PATH#id picks one); see /api/transformed
  --warehouse TARGET       load every stored event into RudderStack's warehouse tables, as a later stage:
                           duckdb:./events.duckdb or postgres://user@host:5432/db
  --warehouse-flavour F    naming and types of the team's warehouse for DuckDB tables: postgres (default),
                           snowflake, bigquery, redshift
  --warehouse-batch N      events per warehouse load transaction (default 5000)
  --allowed-host NAME      also answer reads (/api/*, /live) for this Host name (repeatable); other
                           than localhost, 127.0.0.1 and [::1] they get 403
  --read-token TOKEN       what every reader must show, this machine included (default: a random
                           one, printed, when --host is not loopback; never empty)
  --no-read-token          no read token even when --host is not loopback
  --quiet                  print nothing`;

/** A flag or variable of the wrong shape; the message names it and the rule. */
export class DataPlaneArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataPlaneArgsError';
  }
}

/** An integer in [min, max] from a flag or a variable; the value itself is not echoed (it could be anything). */
function intIn(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new DataPlaneArgsError(
      `${name} must be ${max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`}`,
    );
  }
  return n;
}

/**
 * Turns command-line flags, then `RUDDER_PORT` / `RUDDER_DB` from `env`, into {@link DataPlaneOptions}.
 * Throws {@link DataPlaneArgsError} on an unknown flag or a value of the wrong shape, so a bad port is a
 * sentence, not `ERR_SOCKET_BAD_PORT`.
 */
export function parseDataPlaneArgs(argv: string[], env: Record<string, string | undefined> = {}): DataPlaneOptions {
  let values;
  try {
    ({ values } = parseArgs({
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
        'tracking-plan': { type: 'string' },
        'tracking-plan-config': { type: 'string' },
        'tracking-plan-lenient': { type: 'boolean' },
        transformation: { type: 'string' },
        warehouse: { type: 'string' },
        'warehouse-flavour': { type: 'string' },
        'warehouse-batch': { type: 'string' },
      },
    }));
  } catch (error) {
    // parseArgs says "Unknown option '--x'. To specify a positional…": the first sentence is the useful part.
    throw new DataPlaneArgsError((error as Error).message.split('. ')[0]);
  }
  if (values['read-token'] !== undefined && values['read-token'].trim() === '') {
    throw new DataPlaneArgsError('--read-token must not be empty: give a token, or --no-read-token for none');
  }
  if (values['read-token'] !== undefined && values['no-read-token'])
    throw new DataPlaneArgsError('--read-token and --no-read-token exclude each other');
  // Said here with the flags' names; startDataPlane says the same with its options' names.
  if (values['tracking-plan-config'] !== undefined && values['tracking-plan'] === undefined)
    throw new DataPlaneArgsError('--tracking-plan-config needs --tracking-plan (the plan whose settings it holds)');
  const emptyToUndefined = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const port =
    values.port !== undefined ? intIn('--port', values.port, 0, 65_535) : intIn('RUDDER_PORT', emptyToUndefined(env.RUDDER_PORT), 0, 65_535);
  return {
    port,
    host: values.host,
    dbPath: values.db ?? emptyToUndefined(env.RUDDER_DB),
    configFile: values.config,
    writeKeys: values['write-key'],
    maxRequestBytes: intIn('--max-request-bytes', values['max-request-bytes'], 1, Number.MAX_SAFE_INTEGER),
    allowedHosts: values['allowed-host'],
    readToken: values['no-read-token'] ? false : values['read-token'],
    quiet: values.quiet,
    ...(values['tracking-plan'] !== undefined ? { trackingPlan: values['tracking-plan'] } : {}),
    ...(values['tracking-plan-config'] !== undefined ? { trackingPlanConfig: values['tracking-plan-config'] } : {}),
    ...(values['tracking-plan-lenient'] ? { trackingPlanLenient: true } : {}),
    ...(values.transformation !== undefined ? { transformation: values.transformation } : {}),
    ...(values.warehouse !== undefined ? { warehouse: values.warehouse } : {}),
    ...(values['warehouse-flavour'] !== undefined ? { warehouseFlavour: values['warehouse-flavour'] } : {}),
    ...(values['warehouse-batch'] !== undefined ? { warehouseBatchSize: intIn('--warehouse-batch', values['warehouse-batch'], 1, 1_000_000) } : {}),
  };
}
