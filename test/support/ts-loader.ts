// The repository's TypeScript loader (scripts/ts-loader), for tests that start Node on TypeScript files.
import { fileURLToPath } from 'node:url';

/** The loader's entry, for `node --import`. */
export const TS_LOADER = fileURLToPath(new URL('../../scripts/ts-loader/register.mjs', import.meta.url));

/** Node arguments that run a TypeScript file: `spawn(process.execPath, [...WITH_TS_LOADER, file])`. */
export const WITH_TS_LOADER = ['--import', TS_LOADER];
