/** Runs producer.ts as a real child process and lets a test await the lines it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WITH_TS_LOADER } from '../../../../test/support/ts-loader.js';

const PRODUCER = fileURLToPath(new URL('./producer.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already printed or to come) that matches. Rejects if the child exits first, or after `deadlineMs`. */
  waitFor(match: (line: string) => boolean, what: string, deadlineMs?: number): Promise<string>;
  exited: Promise<number | null>;
  stderr(): string;
  /** Kills the child if it is still running and waits for its exit: for `t.after`, whatever the test's outcome. */
  stop(): Promise<void>;
}

const DEADLINE_MS = 60_000;

export function startProducer(config: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [...WITH_TS_LOADER, PRODUCER, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    stderr: () => err,
    waitFor: (match, what, deadlineMs = DEADLINE_MS) => {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${what}" from the child within ${deadlineMs} ms; stderr:\n${err}`)), deadlineMs);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`the child exited (${code}) before "${what}"; stderr:\n${err}`));
        });
      });
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** `promise`, or a rejection naming `what` after `ms`: every wait in a crash test has a deadline. */
export function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
