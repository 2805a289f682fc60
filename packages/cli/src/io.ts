/**
 * Where one `rudder` run reads and writes. The bin runs on the process's streams and environment; an
 * embedder of `main()` may give its own, and everything that run does then goes through them: its output,
 * its stdin, its environment, and a registry of secrets of its own, so a key one run registered can
 * neither mask nor leak into another run's output.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable, Writable } from 'node:stream';
import { Secrets } from './secrets.js';

/** An output stream of a run. */
export type OutStream = Writable & {
  /** True for a terminal: `send` then draws its progress bar in place. */
  isTTY?: boolean;
  /** A terminal's width in characters (80 when unknown). */
  columns?: number;
};

/** The input stream of a run. */
export type InStream = Readable & {
  /** True for a terminal: a call command then reads no JSON from it (its flags are needed), and `send` says it reads the terminal. */
  isTTY?: boolean;
  /** Its file descriptor: when it is a regular file, `send` reads its size for its progress. */
  fd?: number;
};

/** What one run of `main()` reads and writes; each omitted part is the process's. */
export interface CliIO {
  /** Where results go (message ids, listed events, reports). */
  stdout: OutStream;
  /** Where progress, errors, hints and summaries go. */
  stderr: OutStream;
  /** What `-` (or no input) reads: JSON for a call, JSON Lines for `send` and `plan`. */
  stdin: InStream;
  /** The environment the run reads its `RUDDER_*` settings from. */
  env: NodeJS.ProcessEnv;
}

export interface RunContext extends CliIO {
  secrets: Secrets;
}

/**
 * A run on `io`, each part omitted being the process's, with a secrets registry of its own. Getters:
 * process.stdin is created on first access, which only a command reading it should cause.
 */
function runOn(io: Partial<CliIO>): RunContext {
  return {
    get stdout() {
      return io.stdout ?? process.stdout;
    },
    get stderr() {
      return io.stderr ?? process.stderr;
    },
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    get env() {
      return io.env ?? process.env;
    },
    secrets: new Secrets(),
  };
}

const processRun = runOn({});

const runs = new AsyncLocalStorage<RunContext>();

/** The run the calling code belongs to: the one `main()` was given io for, else the process's. */
export function currentRun(): RunContext {
  return runs.getStore() ?? processRun;
}

/**
 * Runs `fn` with `io` (each stream or the env omitted is the process's) and a fresh secrets registry.
 * Without `io`, `fn` runs in the caller's run (the process's, for the bin), outside any async context:
 * on Node 20 tracking one costs something on every promise, and `rudder send` makes one per event.
 */
export function withIO<T>(io: Partial<CliIO> | undefined, fn: () => Promise<T>): Promise<T> {
  if (io === undefined) return fn();
  return runs.run(runOn(io), fn);
}
