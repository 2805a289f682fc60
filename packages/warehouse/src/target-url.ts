// `--warehouse` values: `duckdb:<file>` (the flavour from `?flavour=` or the option) or a Postgres URL.
import { resolve } from 'node:path';
import { parseFlavour, type Flavour } from './flavour.js';
import { openDuckDb } from './targets/duckdb.js';
import { openPostgres, redactUrl } from './targets/postgres.js';
import type { WarehouseTarget } from './targets/target.js';

/** A parsed `--warehouse` value. */
export type TargetSpec =
  | {
      /** A DuckDB file. */
      kind: 'duckdb';
      /** Its absolute path. */
      file: string;
    }
  | {
      /** A PostgreSQL database. */
      kind: 'postgres';
      /** Its URL. */
      url: string;
    };

/** Parses `duckdb:<file>` or `postgres://…`; throws a message naming the accepted forms. */
export function parseTarget(value: string): TargetSpec {
  if (value.startsWith('duckdb:')) {
    const file = value.slice('duckdb:'.length);
    if (!file) throw new Error('--warehouse duckdb: needs a file, e.g. duckdb:./events.duckdb');
    return { kind: 'duckdb', file: resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  throw new Error(
    `--warehouse "${value.startsWith('postgres') ? redactUrl(value) : value}" is not a warehouse: expected duckdb:<file> or postgres://user@host:port/db`,
  );
}

/** The flavour a target implies: Postgres is always postgres; DuckDB takes the one asked for. */
export function flavourFor(spec: TargetSpec, asked?: string): Flavour {
  if (spec.kind === 'postgres') {
    if (asked && parseFlavour(asked) !== 'postgres') {
      throw new Error(`a Postgres warehouse follows Postgres rules; --warehouse-flavour ${asked} applies to DuckDB only`);
    }
    return 'postgres';
  }
  return asked ? parseFlavour(asked) : 'postgres';
}

/** Opens the target a spec names. */
export function openTarget(spec: TargetSpec, options: { readOnly?: boolean } = {}): Promise<WarehouseTarget> {
  return spec.kind === 'duckdb' ? openDuckDb(spec.file, options) : openPostgres(spec.url);
}
