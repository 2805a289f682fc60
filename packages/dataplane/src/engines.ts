// The storage seam: the little of SQLite the data plane uses (exec, prepared run/get/all, close), over
// whichever SQLite the runtime brings. node:sqlite (Node >= 22.13, Deno) and bun:sqlite (Bun) are built
// in; better-sqlite3 is a native addon, needed only on Node lines without a built-in (Node 20).

/** A SQLite implementation the data plane can store events with. */
export type StorageEngine = 'node:sqlite' | 'bun:sqlite' | 'better-sqlite3';

/** Every engine, in the order `defaultEngine()` prefers them. */
export const STORAGE_ENGINES: readonly StorageEngine[] = ['bun:sqlite', 'node:sqlite', 'better-sqlite3'];

export type SqlValue = string | number | bigint | null | Uint8Array;

/** A prepared statement; parameters are positional. */
export interface SqlStatement {
  run(...params: SqlValue[]): void;
  /** The first row, or undefined when there is none (every engine answers the same). */
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

/** One open connection. */
export interface SqlDatabase {
  readonly engine: StorageEngine;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

// Module names held in variables: TypeScript must not try to resolve modules only some runtimes have.
const NODE_SQLITE = 'node:sqlite';
const BUN_SQLITE = 'bun:sqlite';
const BETTER_SQLITE3 = 'better-sqlite3';

interface NativeStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface NativeDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): NativeStatement;
  close(): unknown;
}

function wrap(engine: StorageEngine, db: NativeDatabase): SqlDatabase {
  return {
    engine,
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const s = db.prepare(sql);
      return {
        run: (...p) => void s.run(...p),
        // bun:sqlite answers null for "no row", the others undefined.
        get: (...p) => s.get(...p) ?? undefined,
        all: (...p) => s.all(...p),
      };
    },
    close: () => void db.close(),
  };
}

/**
 * Loads node:sqlite without its one-time "SQLite is an experimental feature" warning (Node 22 prints it
 * on load): a data plane's users did not choose the module and cannot act on the warning. Any other
 * warning passes through.
 */
async function importNodeSqlite(): Promise<{ DatabaseSync: new (path: string) => NativeDatabase }> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/^SQLite is an experimental feature/.test(text)) return;
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await import(NODE_SQLITE);
  } finally {
    process.emitWarning = emitWarning;
  }
}

async function load(engine: StorageEngine): Promise<(path: string) => NativeDatabase> {
  switch (engine) {
    case 'node:sqlite': {
      const { DatabaseSync } = await importNodeSqlite();
      return (path) => new DatabaseSync(path);
    }
    case 'bun:sqlite': {
      const { Database } = (await import(BUN_SQLITE)) as { Database: new (p: string, o: object) => NativeDatabase };
      return (path) => new Database(path, { create: true });
    }
    case 'better-sqlite3': {
      const { default: Database } = (await import(BETTER_SQLITE3)) as { default: new (p: string) => NativeDatabase };
      return (path) => new Database(path);
    }
  }
}

const openers = new Map<StorageEngine, Promise<(path: string) => NativeDatabase>>();

/** Opens (creating if needed) a database file with the given engine; rejects if the runtime lacks it. */
export async function openDatabase(engine: StorageEngine, path: string): Promise<SqlDatabase> {
  if (!STORAGE_ENGINES.includes(engine)) {
    throw new Error(`unknown storage engine "${engine}": use one of ${STORAGE_ENGINES.join(', ')}`);
  }
  let opener = openers.get(engine);
  if (!opener) {
    opener = load(engine);
    openers.set(engine, opener);
    opener.catch(() => openers.delete(engine));
  }
  let open: (path: string) => NativeDatabase;
  try {
    open = await opener;
  } catch (err) {
    throw new Error(`the ${engine} storage engine is not available in ${runtimeName()}: ${(err as Error).message}`, { cause: err });
  }
  return wrap(engine, open(path));
}

function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `Bun ${g.Bun.version}`;
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.versions.node}`;
}

/**
 * The engine this runtime should use: its built-in SQLite (bun:sqlite on Bun, node:sqlite on Node
 * >= 22.13 and Deno), else better-sqlite3 when it is installed. Rejects with what to do when none is.
 */
export async function defaultEngine(): Promise<StorageEngine> {
  if ((globalThis as { Bun?: unknown }).Bun) return 'bun:sqlite';
  for (const engine of ['node:sqlite', 'better-sqlite3'] as const) {
    try {
      await (engine === 'node:sqlite' ? importNodeSqlite() : import(BETTER_SQLITE3));
      return engine;
    } catch {
      // Not in this runtime (node:sqlite before Node 22.13) or not installed (better-sqlite3): try the next.
    }
  }
  throw new Error(
    `${runtimeName()} has no built-in SQLite (node:sqlite needs Node 22.13 or later): ` +
      'use Node 22.13+, or install the better-sqlite3 package next to the data plane (npm install better-sqlite3@12)',
  );
}

/** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
export function transaction<T>(db: SqlDatabase, fn: () => T): T {
  db.exec('BEGIN');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
