import { readFileSync } from 'node:fs';
import type { SourceConfig } from './sources.js';

/**
 * The default write key of the dev source. It is fixed (not generated) so that `rudder` commands,
 * SDK examples and tests work against a fresh local data plane without any setup; it is only
 * accepted by a server that listens on 127.0.0.1 unless you bind elsewhere on purpose.
 */
export const DEV_WRITE_KEY = 'dev_rudderanalytics_local';
/** The name the dev write key's source is stored under (the `source` of its events). */
export const DEV_SOURCE_NAME = 'dev';

/** The JSON config file (`configFile`). */
export interface ConfigFile {
  /** Sources and their write keys; `disabled: true` answers 404 `source is disabled`. */
  sources?: SourceConfig[];
  /** `false` turns the built-in dev key off; a string replaces it. */
  devWriteKey?: string | false;
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read data plane config ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error, which could be a write key: say only where it is.
    throw new Error(`data plane config ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`data plane config ${path} must be a JSON object`);
  }
  const c = parsed as ConfigFile;
  if (c.sources !== undefined && !Array.isArray(c.sources)) {
    throw new Error(`"sources" in ${path} must be an array`);
  }
  if (c.devWriteKey !== undefined && c.devWriteKey !== false && typeof c.devWriteKey !== 'string') {
    throw new Error(`"devWriteKey" in ${path} must be a string or false`);
  }
  return c;
}
