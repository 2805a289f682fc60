// `node --import <this file>`: runs this repository's TypeScript (tests, benches, scripts) with no build step.
// Where Node has module.registerHooks (22.15+, 23.5+), the hooks run in this thread, synchronously: a test
// process then costs about what it costs with no loader, where module.register's hooks thread (all Node 20
// has) adds ≈0.1 s of CPU to every process. Worker threads run this file too (they inherit `--import`).
import module from 'node:module';

// Stack traces through transformed files name the .ts lines (transform.mjs embeds the maps).
process.setSourceMapsEnabled(true);

if (typeof module.registerHooks === 'function') {
  const { resolve, load } = await import('./hooks.mjs');
  module.registerHooks({ resolve, load });
} else {
  module.register('./hooks.mjs', import.meta.url);
}
