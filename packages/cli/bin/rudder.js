#!/usr/bin/env node
// The installed `rudder` command. It lives outside dist/ so that `npm ci` on a fresh checkout (before
// `npm run build`) can already link it into node_modules/.bin: npm skips bins whose file is missing.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("rudder is not built yet: run 'npm run build' at the repository root\n");
  process.exit(1);
}
await import(entry.href);
