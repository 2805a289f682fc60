#!/usr/bin/env node
// Fails when source files import each other in a circle (type-only imports included: a type circle
// is still two modules that cannot be read, moved or tested one without the other). Run by
// `npm run lint` and by test/import-cycles.test.ts. Reads imports with the TypeScript compiler already
// installed; follows relative specifiers only (packages import each other through their entry points).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every TypeScript and JavaScript module under `dir` (sources, tests, scripts: not builds or dependencies). */
function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (/\.(m?ts|m?js)$/.test(name) && !/\.d\.m?ts$/.test(name)) out.push(full);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` is written for `./x.ts` (NodeNext resolution). */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => /\.(m?ts|m?js)$/.test(c) && existsSync(c) && statSync(c).isFile());
}

/** The files one file imports or re-exports (static and dynamic `import()`, types included). */
export function importsOf(file, text = readFileSync(file, 'utf8')) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out = new Set();
  for (const { fileName } of importedFiles) {
    const target = resolveSpecifier(file, fileName);
    if (target) out.add(target);
  }
  return out;
}

/** Every circle in the graph, each once, as the list of files around it (Tarjan's strongly connected components). */
export function findCycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) components.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['packages', 'test', 'scripts', 'bench', 'examples'];
  const graph = new Map();
  for (const dir of dirs) for (const file of sources(resolve(root, dir))) graph.set(file, importsOf(file));
  const cycles = findCycles(graph);
  if (cycles.length === 0) {
    console.log(`import-cycles: no circle among ${graph.size} source files`);
  } else {
    console.error(`import-cycles: ${cycles.length} circle(s) between source files; move what both sides need to a module of its own:`);
    for (const cycle of cycles) console.error(`  ${cycle.map((f) => relative(root, f)).join(' <-> ')}`);
    process.exit(1);
  }
}
