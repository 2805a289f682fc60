/**
 * Starts an example on its TypeScript entry (Node with the repository's TypeScript loader) or with its
 * `npm start` (the example's own tsx, as its README says), keeps everything it prints, and lets a test wait
 * for a line, signal it and await its exit, each with a deadline. The test context's `after` kills whatever
 * is left.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { WITH_TS_LOADER } from '../../support/ts-loader.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ExampleProcess {
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name); rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | string>;
  /** Sends a signal (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(name: NodeJS.Signals): void;
  /** Writes one line to its stdin. */
  send(line: string): void;
}

export function startExample(t: TestContext, entry: string, env: Record<string, string>, args: string[] = []): ExampleProcess {
  const child = spawn(process.execPath, [...WITH_TS_LOADER, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return watch(t, child, (name) => child.kill(name));
}

/**
 * Starts an example with `npm start -w examples/<name>`, as its README says. npm does not pass signals on
 * to the script, so the run gets its own process group and signals go to the whole group.
 */
export function startExampleScript(t: TestContext, name: string, env: Record<string, string>, args: string[] = []): ExampleProcess {
  const child = spawn('npm', ['start', '--silent', '-w', `examples/${name}`, ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  const watched = watch(t, child, group);
  // The script's own processes outlive npm when it is killed: end the whole group after the test.
  t.after(() => group('SIGKILL'));
  return watched;
}

function watch(t: TestContext, child: ChildProcessWithoutNullStreams, signal: (name: NodeJS.Signals) => void): ExampleProcess {
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let done = false;
  void exit.then(() => {
    done = true;
    for (const wake of waiters) wake();
  });
  t.after(() => {
    if (!done) child.kill('SIGKILL');
  });
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

  return {
    pid: child.pid!,
    output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms\n${output()}`)), timeoutMs);
        const check = () => {
          const match = stdout.match(pattern);
          if (match) finish(undefined, match);
          else if (done) finish(new Error(`exited before printing ${pattern}\n${output()}`));
        };
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        waiters.add(check);
        check();
      });
    },
    exited(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not exit within ${timeoutMs} ms\n${output()}`)), timeoutMs);
      });
      return Promise.race([exit, deadline]).finally(() => clearTimeout(timer));
    },
    signal,
    send: (line) => child.stdin.write(`${line}\n`),
  };
}
