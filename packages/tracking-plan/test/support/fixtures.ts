/** Reads the ported fixtures (each JSON file names its source repository, path and commit in "source"). */
import { readFileSync } from 'node:fs';

/** A parsed fixture file under test/fixtures. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
