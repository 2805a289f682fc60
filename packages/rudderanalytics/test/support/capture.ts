/**
 * Collects everything an SDK could show a human or a log pipeline (log lines, console output, errors
 * in every rendering, event payloads, stats) as text, so a test can search it for a secret.
 */
import { inspect } from 'node:util';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export class Capture {
  readonly texts: string[] = [];
  private restoreConsole: (() => void) | undefined;

  /** A `logger` option that records every level. */
  logger(tag = 'logger') {
    const line = (level: string) => (message: string) => this.texts.push(`${tag}.${level}: ${message}`);
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  /** Replaces console.* with recorders (silent) until `restore()`. */
  patchConsole(): void {
    const saved = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
    for (const m of CONSOLE_METHODS) {
      console[m] = (...args: unknown[]) =>
        void this.texts.push(`console.${m}: ${args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: Infinity }))).join(' ')}`);
    }
    this.restoreConsole = () => {
      for (const [m, fn] of saved) console[m] = fn as never;
    };
  }

  restore(): void {
    this.restoreConsole?.();
    this.restoreConsole = undefined;
  }

  /** An error (or anything thrown) in every form it could be printed or shipped in. */
  thrown(value: unknown): void {
    this.texts.push(String(value), inspect(value, { depth: Infinity, showHidden: true }), json(value));
    if (value instanceof Error) {
      this.texts.push(value.message, value.stack ?? '', json({ ...value }));
      if (value.cause !== undefined) this.thrown(value.cause);
    }
  }

  /** An event payload or a stats snapshot. */
  payload(value: unknown): void {
    this.texts.push(inspect(value, { depth: Infinity, showHidden: true }), json(value));
    const error = (value as { error?: unknown } | null)?.error;
    if (error !== undefined) this.thrown(error);
    if (value instanceof Error) this.thrown(value);
  }

  /** The captured texts that contain any of `needles`, in any letter case (a URL host is lowercased). */
  leaks(needles: string[]): string[] {
    const lower = needles.map((n) => n.toLowerCase());
    return this.texts.filter((t) => {
      const text = t.toLowerCase();
      return lower.some((n) => text.includes(n));
    });
  }
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
  } catch (error) {
    return `unserializable: ${String(error)}`;
  }
}
