/**
 * `rudder warehouse load --from DB --to TARGET`: backfills a warehouse from a data plane database.
 * `rudder warehouse schema --warehouse TARGET`: prints its tables and columns, and what was discarded
 * or refused and why.
 */
import { parseArgs } from 'node:util';
import { EXIT_OK, UsageError } from '../errors.js';
import { WAREHOUSE_HELP } from '../help.js';
import { currentRun } from '../io.js';
import { stderr, stdout } from '../output.js';

export async function runWarehouse(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    stdout.write(WAREHOUSE_HELP);
    return sub === undefined ? 2 : EXIT_OK;
  }
  if (sub === 'load') return load(rest);
  if (sub === 'schema') return schema(rest);
  throw new UsageError(`unknown warehouse command '${sub}': use load or schema`, 'warehouse');
}

function flags(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args: argv, strict: true, options }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message.split('. ')[0], 'warehouse');
  }
}

async function load(argv: string[]): Promise<number> {
  const v = flags(argv, { from: { type: 'string' }, to: { type: 'string' }, flavour: { type: 'string' }, quiet: { type: 'boolean' } });
  const from = (v.from as string | undefined) ?? currentRun().env.RUDDER_DB ?? './.rudder/dataplane.db';
  if (typeof v.to !== 'string') throw new UsageError('--to is required: duckdb:<file> or postgres://…', 'warehouse');
  const { backfillWarehouse } = await import('@rudderanalytics/dataplane');
  const result = await backfillWarehouse({
    from,
    to: v.to,
    flavour: v.flavour as string | undefined,
    onProgress: v.quiet ? undefined : (at, last) => stderr.write(`loaded up to event #${at} of ${last}\n`),
  });
  stdout.write(
    `${result.target} (${result.flavour} rules): ${result.events} events loaded (#${result.from} → #${result.to}), ` +
      `${result.rows} rows, ${result.discarded} values discarded, ${result.refused} events refused\n`,
  );
  return EXIT_OK;
}

async function schema(argv: string[]): Promise<number> {
  const v = flags(argv, { warehouse: { type: 'string' }, json: { type: 'boolean' } });
  if (typeof v.warehouse !== 'string') throw new UsageError('--warehouse is required: duckdb:<file> or postgres://…', 'warehouse');
  const wh = await (await import('@rudderanalytics/dataplane')).importWarehouse();
  const target = await wh.openTarget(wh.parseTarget(v.warehouse), { readOnly: true });
  try {
    const tables = await target.describe();
    const discards = await target.latestDiscards(20);
    const refused = await target.latestRefused(20);
    if (v.json) {
      stdout.write(`${JSON.stringify({ target: target.description, tables, discards, refused }, null, 2)}\n`);
      return EXIT_OK;
    }
    stdout.write(`${target.description}: ${tables.length} tables\n`);
    for (const t of tables) {
      stdout.write(`\n${t.table} (${t.rows} rows)\n`);
      const width = Math.max(...t.columns.map((c) => c.name.length));
      for (const c of t.columns) stdout.write(`  ${c.name.padEnd(width)}  ${c.type.padEnd(8)}  ${c.sqlType}\n`);
    }
    if (discards.length) {
      stdout.write(`\nlatest discards (values that did not fit their column):\n`);
      for (const d of discards) {
        const get = (k: string) => String(d[k] ?? d[k.toUpperCase()] ?? '');
        stdout.write(`  ${get('table_name')}.${get('column_name')} of ${get('row_id')} = ${JSON.stringify(get('column_value'))}: ${get('reason')}\n`);
      }
    }
    if (refused.length) {
      stdout.write(`\nlatest refused events:\n`);
      for (const r of refused) stdout.write(`  ${r.message_id}: ${r.reason}\n`);
    }
    return EXIT_OK;
  } finally {
    await target.close();
  }
}
