// The `users` table holds one row per user, as hosted: a second identify for a userId updates the
// user's row instead of adding one. rudder-server's Postgres load (rudderlabs/rudder-server
// @ 5989e544a2780a033465b581be383a360de062da, warehouse/integrations/postgres/load.go,
// `loadUsersTable`) takes, for each user in the upload, the existing users row and the new identifies
// rows together and keeps per column the latest non-null value by received_at, then deletes the
// user's old row and inserts the merged one. Here the loader appends users rows as it appends every
// table's, and this step then merges each id that has more than one row the same way (on a tie in
// received_at the row inserted last wins, i.e. the later event). Merging is idempotent, so a crash
// between a load and its merge leaves nothing that the next merge does not settle.
import { providerCase, type Flavour } from './flavour.js';
import type { Schema } from './schema.js';
import { quoteIdent as q, type WarehouseTarget } from './targets/target.js';

/** The SQL dialect of a target, for the tie-break on insertion order. */
export type MergeDialect = 'duckdb' | 'postgres';

const SCRATCH = 'rudder_local_users_merge';

/** The statements that merge every duplicated user id of `users` (none when the table does not exist). */
export function usersMergeStatements(schema: Schema, flavour: Flavour, dialect: MergeDialect): string[] {
  const table = providerCase(flavour, 'users');
  const columns = schema[table];
  if (!columns) return [];
  const id = providerCase(flavour, 'id');
  const receivedAt = providerCase(flavour, 'received_at');
  const others = Object.keys(columns).filter((c) => c !== id);
  // The physical insertion order: DuckDB's rowid, Postgres's ctid (rows are only ever appended, and a
  // merged row is the only one of its id until the next load appends more).
  const insertion = dialect === 'duckdb' ? 'rowid' : 'ctid';
  const orderBy = others.includes(receivedAt) ? `u.${q(receivedAt)} DESC NULLS LAST, u.${insertion} DESC` : `u.${insertion} DESC`;
  const duplicated = `SELECT ${q(id)} FROM ${q(table)} GROUP BY ${q(id)} HAVING count(*) > 1`;
  const all = [id, ...others].map(q).join(', ');
  return [
    `DROP TABLE IF EXISTS ${SCRATCH}`,
    dialect === 'duckdb' ? mergedByAggregate(table, id, others, orderBy, duplicated) : mergedBySubqueries(table, id, others, orderBy, duplicated),
    `DELETE FROM ${q(table)} WHERE ${q(id)} IN (SELECT ${q(id)} FROM ${SCRATCH})`,
    `INSERT INTO ${q(table)} (${all}) SELECT ${all} FROM ${SCRATCH}`,
    `DROP TABLE ${SCRATCH}`,
  ];
}

// Each column's latest non-null value per duplicated id. DuckDB takes it in one grouped pass with an
// ordered, filtered aggregate; a correlated subquery per column cost it four times the CPU (and as much
// as loading the batch) when run after every batch. Postgres has no ordered `first`: one subquery each.
function mergedByAggregate(table: string, id: string, others: string[], orderBy: string, duplicated: string): string {
  const latest = (c: string) => `first(u.${q(c)} ORDER BY ${orderBy}) FILTER (WHERE u.${q(c)} IS NOT NULL) AS ${q(c)}`;
  return `CREATE TEMPORARY TABLE ${SCRATCH} AS SELECT u.${q(id)}${others.map((c) => `, ${latest(c)}`).join('')}
       FROM ${q(table)} u WHERE u.${q(id)} IN (${duplicated}) GROUP BY u.${q(id)}`;
}

function mergedBySubqueries(table: string, id: string, others: string[], orderBy: string, duplicated: string): string {
  const latest = (c: string) =>
    `(SELECT u.${q(c)} FROM ${q(table)} u WHERE u.${q(id)} = d.${q(id)} AND u.${q(c)} IS NOT NULL ORDER BY ${orderBy} LIMIT 1) AS ${q(c)}`;
  return `CREATE TEMPORARY TABLE ${SCRATCH} AS SELECT d.${q(id)}${others.map((c) => `, ${latest(c)}`).join('')}
       FROM (${duplicated}) d`;
}

/** Merges `users` to one row per id, in one transaction on the target's connection. */
export async function mergeUsers(target: WarehouseTarget, schema: Schema, flavour: Flavour, dialect: MergeDialect): Promise<void> {
  const statements = usersMergeStatements(schema, flavour, dialect);
  if (statements.length === 0) return;
  await target.query('BEGIN');
  try {
    for (const sql of statements) await target.query(sql);
    await target.query('COMMIT');
  } catch (err) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
