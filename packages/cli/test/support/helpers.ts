/**
 * Test support: the built `rudder` run in this process (its `main()` with captured streams) or as a real
 * subprocess, and a real local data plane (SQLite in a temp dir, port 0) configured with a sentinel write
 * key that no output may ever contain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startDataPlane, type DataPlane } from '@rudderanalytics/dataplane';
import { freePort } from '../../../../test/support/free-port.js';
import type { main as Main } from '../../src/main.js';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const SENTINEL = 'wk_SENTINEL_7f3a9c';
export const WRONG_KEY = 'wk_WRONGKEY_0d4e2b';
/** A read token no output may contain either. */
export const READ_TOKEN = 'rt_SENTINEL_5b8e1d';

/** The built files these suites run (the CLI and what it loads), each with the sources it is built from. */
const BUILDS = [
  ['cli/dist/bin.js', 'cli/src'],
  ['cli/dist/main.js', 'cli/src'],
  ['rudderanalytics/dist/esm/index.js', 'rudderanalytics/src'],
  ['dataplane/dist/index.js', 'dataplane/src'],
].map(([built, src]) => [fileURLToPath(new URL(`../../../${built}`, import.meta.url)), fileURLToPath(new URL(`../../../${src}`, import.meta.url))]);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// These suites run the built binary: one run after an edit must not test the code before it, silently.
for (const [built, src] of BUILDS) {
  if (!existsSync(built)) throw new Error(`${built} is missing: run 'npm run build' at the repository root first`);
  if (newestMtime(src) > statSync(built).mtimeMs) throw new Error(`${built} is older than ${src}: run 'npm run build' at the repository root first`);
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Everything any `rudder` process printed in this test file, for the never-print-the-key checks. */
export const transcript: string[] = [];

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** The process is killed (SIGKILL) if still running after this long; default 60 s. */
  timeoutMs?: number;
}

/** Whether `text` shows the sentinel, the wrong key or the read token, in any letter case, or their Basic-auth base64. */
export function showsKey(text: string): boolean {
  const lower = text.toLowerCase();
  return [SENTINEL, WRONG_KEY, READ_TOKEN].some((key) =>
    [key, Buffer.from(`${key}:`).toString('base64')].some((form) => lower.includes(form.toLowerCase())),
  );
}

/** Every child still running; killed when the test process exits, whatever way a test ended. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The environment without the caller's RUDDER_* settings, so only what a test gives counts (in process too: it is the run's whole env). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RUDDER_')) env[k] = v;
  return { ...env, ...extra };
}

export type Child = ChildProcess & {
  result: Promise<Run>;
  /** Everything printed so far. */
  seen: { stdout: string; stderr: string };
};

export function start(args: string[], options: RunOptions = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const seen = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (seen.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (seen.stderr += d));
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.stdin ?? '');
  running.add(child);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // Each run checks its own output: a test run alone still proves the key was not printed.
  const result = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      running.delete(child);
      if (signal === 'SIGKILL') {
        transcript.push(seen.stdout, seen.stderr);
        reject(new Error(`rudder ${args.join(' ')} was still running after ${timeoutMs} ms and was killed:\n${seen.stdout}${seen.stderr}`));
      } else checked(args, { code, signal, stdout: seen.stdout, stderr: seen.stderr }).then(resolve, reject);
    });
  });
  // Not every caller awaits a child it only kills; a rejection then must not become unhandled.
  result.catch(() => {});
  return Object.assign(child, { result, seen });
}

/** `run`, once kept in the transcript; rejected if it shows a key (each run checks its own output: a test run alone still proves the key was not printed). */
function checked(args: string[], run: Run): Promise<Run> {
  transcript.push(run.stdout, run.stderr);
  if (showsKey(run.stdout + run.stderr)) return Promise.reject(new Error(`rudder ${args[0]} printed a write key:\n${run.stdout}${run.stderr}`));
  return Promise.resolve(run);
}

/** Runs `rudder args…` to completion as a real subprocess of the built bin: for what only a process shows. */
export function rudderProcess(args: string[], options: RunOptions = {}): Promise<Run> {
  return start(args, options).result;
}

let loadedMain: Promise<typeof Main> | undefined;

/** A stream that keeps what is written to it, as the pipe to a child would. */
function capture(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** `text` as stdin, in pipe-sized chunks. */
function stdinOf(text: string): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
  return Readable.from(chunks);
}

/**
 * Runs `rudder args…` to completion in this process: the built CLI's `main()` with captured stdout and
 * stderr, `stdin` as its stdin and the env a child would get, resolving as the subprocess would (the
 * bin's exit code; `error: …` and 1 if main rejects). A run with `cwd` is a subprocess: the CLI resolves
 * relative paths against the process's directory.
 */
export async function rudder(args: string[], options: RunOptions = {}): Promise<Run> {
  if (options.cwd !== undefined) return rudderProcess(args, options);
  const main = await (loadedMain ??= import(pathToFileURL(MAIN).href).then((m: { main: typeof Main }) => m.main));
  const stdout = capture();
  const stderr = capture();
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`rudder ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout.text()}${stderr.text()}`)),
      timeoutMs,
    );
  });
  const io = { stdout: stdout.stream, stderr: stderr.stream, stdin: stdinOf(options.stdin ?? ''), env: cleanEnv(options.env) };
  let code: number;
  try {
    code = await Promise.race([
      main(args, io).catch((error: unknown) => {
        stderr.stream.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
        return 1;
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return checked(args, { code, signal: null, stdout: stdout.text(), stderr: stderr.text() });
}

/**
 * Resolves with everything printed so far once `pattern` appears; rejects if the process ends first or
 * after `timeoutMs` (default 30 s).
 */
export function waitForOutput(child: Child, pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child[stream]!.off('data', onData);
      child.off('close', onClose);
    };
    const check = () => {
      if (!pattern.test(child.seen[stream])) return false;
      done();
      resolve(child.seen[stream]);
      return true;
    };
    // Listeners added after start()'s own, so `seen` already holds the chunk when onData runs.
    const onData = () => check();
    const onClose = (code: number | null) => {
      done();
      reject(new Error(`rudder exited (${code}) before printing ${pattern}; got: ${child.seen[stream]}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`rudder did not print ${pattern} within ${timeoutMs} ms; got: ${child.seen[stream]}`));
    }, timeoutMs);
    child[stream]!.on('data', onData);
    child.once('close', onClose);
    check();
  });
}

/** Kills `child` when the test ends, unless it has ended by then (a failed assertion must not leave it running). */
export function stopAfter(t: { after(fn: () => void): void }, child: Child): Child {
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

export interface TestPlane extends DataPlane {
  dir: string;
  stop(): Promise<void>;
}

/** A data plane on 127.0.0.1:0 that accepts the sentinel key (and the dev key). */
export async function startPlane(options: { readToken?: string } = {}): Promise<TestPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-cli-test-'));
  const dp = await startDataPlane({
    port: 0,
    dbPath: join(dir, 'events.db'),
    writeKeys: [{ writeKey: SENTINEL, name: 'test' }],
    quiet: true,
    ...options,
  });
  return Object.assign(dp, {
    dir,
    async stop() {
      await dp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Flags that point a command at `dp` with the sentinel key. */
export const at = (dp: DataPlane, key = SENTINEL) => ['--data-plane-url', dp.url, '--write-key', key];

/** Asserts nothing printed so far contains the sentinel (or the wrong key a test used), in any letter case. */
export function assertNoKeyPrinted(): void {
  for (const text of transcript) {
    if (showsKey(text)) throw new Error(`a write key was printed:\n${text}`);
  }
}

/** A loopback URL nothing listens on: a port that was free a moment ago, so connections are refused. */
export async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
