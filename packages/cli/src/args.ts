/** Command-line parsing on node:util's parseArgs, with the options several commands share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export const HELP_OPTION: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

/** Where to send and how: every command that talks to the data plane's ingest API takes these. */
export const CONNECTION_OPTIONS: OptionSpecs = {
  'write-key': { type: 'string' },
  'data-plane-url': { type: 'string' },
  'no-gzip': { type: 'boolean' },
  'batch-size': { type: 'string' },
  timeout: { type: 'string' },
  'max-attempts': { type: 'string' },
};

export interface Parsed {
  values: Values;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: OptionSpecs, allowPositionals = false): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...HELP_OPTION, ...options }, allowPositionals, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    // parseArgs says "Unknown option '--x'. To specify a positional…": the first sentence is the useful part.
    const message = (error as Error).message.split('. ')[0];
    throw new UsageError(message, command);
  }
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer flag in [min, max]; a usage error otherwise. */
export function int(values: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }
  return n;
}
