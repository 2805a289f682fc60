/**
 * The warehouse whose naming and typing rules the tables follow. DuckDB has no flavour of its own in
 * RudderStack: a local DuckDB file takes the flavour of the team's real warehouse, so the SQL written
 * against it meets the same table names, column names and column types.
 */
export type Flavour = 'postgres' | 'snowflake' | 'bigquery' | 'redshift';

/** Every flavour. */
export const FLAVOURS: readonly Flavour[] = ['postgres', 'snowflake', 'bigquery', 'redshift'];

/** rudder-server's destination type codes (warehouse/utils/utils.go: POSTGRES, SNOWFLAKE, BQ, RS). */
export const DEST_TYPE: Readonly<Record<Flavour, string>> = {
  postgres: 'POSTGRES',
  snowflake: 'SNOWFLAKE',
  bigquery: 'BQ',
  redshift: 'RS',
};

/** Whether a value names a flavour. */
export function isFlavour(value: unknown): value is Flavour {
  return typeof value === 'string' && (FLAVOURS as readonly string[]).includes(value);
}

/** Accepts a flavour by its name or by its rudder-server code (`BQ`, `RS`, `POSTGRES`, `SNOWFLAKE`). */
export function parseFlavour(value: string): Flavour {
  const lower = value.toLowerCase();
  if (isFlavour(lower)) return lower;
  const byCode = FLAVOURS.find((f) => DEST_TYPE[f] === value.toUpperCase());
  if (byCode) return byCode;
  throw new Error(`unknown warehouse flavour "${value}": expected one of ${FLAVOURS.join(', ')}`);
}

/** Snowflake folds unquoted names to upper case, and RudderStack creates its names that way. */
export function providerCase(flavour: Flavour, name: string): string {
  return flavour === 'snowflake' ? name.toUpperCase() : name;
}
