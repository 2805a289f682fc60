#!/usr/bin/env node
// What stays on the heap after close(): heap snapshots of one bench/child.mjs run (paced driver) taken at
// the two points of the leak check (before the first track() and after close, both after a full GC),
// diffed by object id. Objects in the second snapshot and not in the first are what the run left behind;
// they are grouped by kind (constructor, code, strings, …) and by the older object they hang off
// (the nearest ancestor on a shortest path from the GC roots that was already there before the run).
//
//   node bench/heap-diff.mjs [--sdks=ours,floor-gzip] [--n=20000,1000000] [--warmup=0] [--top=25] [--reuse]
//
// --reuse: diff the snapshots of an earlier run again instead of running the child.
// Snapshots are kept in .bench-tmp/heap/. --warmup=K: the child first sends K events with a throwaway
// instance (the sink's counters are reset after it), so "before" already has the modules loaded.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dir = path.join(root, '.bench-tmp', 'heap');
const arg = (name, def) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const sdks = arg('sdks', 'ours,floor-gzip').split(',');
const sizes = arg('n', '20000,1000000').split(',').map(Number);
const warmup = Number(arg('warmup', 0));
const TOP = Number(arg('top', 25));
const reuse = process.argv.includes('--reuse');

/** One child run with snapshots; resolves with its result message. */
async function record(sdk, n) {
  mkdirSync(dir, { recursive: true });
  const sink = fork(path.join(here, 'sink.mjs'), ['ok'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)));
  const cfg = { sdk, n, url: `http://127.0.0.1:${port}`, pace: 19_000, warmup, heapSnapshots: dir };
  const child = fork(path.join(here, 'child.mjs'), [JSON.stringify(cfg)], { cwd: root, execArgv: ['--expose-gc'] });
  let result;
  child.on('message', (m) => {
    if (m.type === 'result') result = m.result;
    if (m.type === 'warm') {
      sink.once('message', () => child.send({ type: 'go' }));
      sink.send({ type: 'reset' });
    }
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  sink.kill();
  if (!result) throw new Error(`${sdk} ${n}: child exited ${code} without a result`);
  return result;
}

/** The parts of a .heapsnapshot this diff needs, as flat arrays. */
function load(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const m = snap.snapshot.meta;
  const NF = m.node_fields.length;
  const EF = m.edge_fields.length;
  const nf = (k) => m.node_fields.indexOf(k);
  const ef = (k) => m.edge_fields.indexOf(k);
  const count = snap.nodes.length / NF;
  const type = new Uint8Array(count);
  const name = new Uint32Array(count);
  const id = new Float64Array(count);
  const size = new Float64Array(count);
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    const o = i * NF;
    type[i] = snap.nodes[o + nf('type')];
    name[i] = snap.nodes[o + nf('name')];
    id[i] = snap.nodes[o + nf('id')];
    size[i] = snap.nodes[o + nf('self_size')];
    firstEdge[i] = e;
    e += snap.nodes[o + nf('edge_count')];
    firstEdge[i + 1] = e;
  }
  const edges = snap.edges;
  const edgeType = (e) => m.edge_types[0][edges[e * EF + ef('type')]];
  const edgeName = (e) => {
    const t = edgeType(e);
    const v = edges[e * EF + ef('name_or_index')];
    return t === 'element' || t === 'hidden' ? `[${v}]` : snap.strings[v];
  };
  const edgeTo = (e) => edges[e * EF + ef('to_node')] / NF;
  return { count, type, name, id, size, firstEdge, edgeType, edgeName, edgeTo, types: m.node_types[0], strings: snap.strings };
}

/** Shortest-path parents from the root (node 0), ignoring weak edges: who keeps each node alive. */
function parents(h) {
  const parent = new Int32Array(h.count).fill(-1);
  const via = new Int32Array(h.count).fill(-1);
  parent[0] = 0;
  let frontier = [0];
  while (frontier.length) {
    const next = [];
    for (const i of frontier)
      for (let e = h.firstEdge[i]; e < h.firstEdge[i + 1]; e++) {
        if (h.edgeType(e) === 'weak') continue;
        const j = h.edgeTo(e);
        if (parent[j] !== -1) continue;
        parent[j] = i;
        via[j] = e;
        next.push(j);
      }
    frontier = next;
  }
  return { parent, via };
}

// V8's own names for the parts of compiled functions, sorted into what they are
const MACHINE_CODE = /^(\(code for |\(BASELINE code|\(code relocation info|\(code deopt data|\(handler table|$)/;
const BYTECODE =
  /^(system \/ BytecodeArray|\(constant pool|\(source position table|\(bytecode offset table|system \/ ScopeInfo|\(shared function info|system \/ FeedbackMetadata|system \/ Uncompiled|\(constant elements|system \/ ArrayBoilerplate)/;
const FEEDBACK = /^system \/ (FeedbackVector|FeedbackCell|LoadHandler|StoreHandler|WeakFixedArray|AllocationSite)/;
const kind = (h, i) => {
  const t = h.types[h.type[i]];
  const nm = h.strings[h.name[i]];
  if (t === 'code') {
    if (MACHINE_CODE.test(nm)) return 'V8: optimized / baseline machine code';
    if (BYTECODE.test(nm)) return 'V8: bytecode and function metadata';
    if (FEEDBACK.test(nm)) return 'V8: feedback vectors and inline caches';
    return `V8 code: ${nm.slice(0, 40)}`;
  }
  if (t === 'object shape') return 'V8: hidden classes (maps, descriptors, transitions)';
  if (t.includes('string')) return '(strings)';
  if (t === 'number' || t === 'bigint') return `(${t})`;
  if (t === 'closure') return '(closures)';
  if (t === 'array') return `(arrays) ${nm}`;
  return `${t}: ${nm.slice(0, 60)}`;
};
const MB = (b) => (b / 1048576).toFixed(3);

function diff(beforeFile, afterFile) {
  const before = load(beforeFile);
  const old = new Set();
  for (let i = 0; i < before.count; i++) old.add(before.id[i]);
  const h = load(afterFile);
  const { parent, via } = parents(h);
  const byKind = new Map();
  const byHolder = new Map();
  let total = 0;
  let unreachable = 0;
  for (let i = 0; i < h.count; i++) {
    if (old.has(h.id[i])) continue;
    if (parent[i] === -1) {
      unreachable += h.size[i];
      continue;
    }
    total += h.size[i];
    const k = kind(h, i);
    const g = byKind.get(k) ?? { n: 0, bytes: 0 };
    g.n++;
    g.bytes += h.size[i];
    byKind.set(k, g);
    // the nearest ancestor that existed before the run, and the edge from it
    let j = i;
    while (!old.has(h.id[parent[j]]) && parent[j] !== j) j = parent[j];
    const holder = `${kind(h, parent[j])} .${h.edgeName(via[j])}`;
    byHolder.set(holder, (byHolder.get(holder) ?? 0) + h.size[i]);
  }
  const top = (map, val) => [...map].sort((a, b) => val(b[1]) - val(a[1])).slice(0, TOP);
  let v8Code = 0;
  for (const [k, g] of byKind) if (k.startsWith('V8')) v8Code += g.bytes;
  return { total, unreachable, v8Code, kinds: top(byKind, (g) => g.bytes), holders: top(byHolder, (b) => b) };
}

for (const sdk of sdks)
  for (const n of sizes) {
    const saved = path.join(dir, `${sdk}-${n}-result.json`);
    const r = reuse && existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : await record(sdk, n);
    writeFileSync(saved, JSON.stringify(r));
    const d = diff(path.join(dir, `${sdk}-${n}-before.heapsnapshot`), path.join(dir, `${sdk}-${n}-after.heapsnapshot`));
    console.log(`\n## ${sdk}, ${n.toLocaleString('en-US')} events, warm-up ${warmup}`);
    console.log(`heapUsed before ${r.heapBeforeMB.toFixed(2)} MB → after close ${r.heapAfterGcMB.toFixed(2)} MB (full GC)`);
    if (r.heapReleasedMB !== undefined) console.log(`held by the instance after close: ${r.heapReleasedMB.toFixed(3)} MB`);
    console.log(`new live objects: ${MB(d.total)} MB (plus ${MB(d.unreachable)} MB unreachable, not yet collected)\n`);
    console.log(`of which V8's compiled code (machine code, bytecode, feedback, hidden classes): ${MB(d.v8Code)} MB\n`);
    console.log('| kind | count | MB |\n|---|--:|--:|');
    for (const [k, g] of d.kinds) console.log(`| ${k.replace(/\|/g, '/')} | ${g.n} | ${MB(g.bytes)} |`);
    console.log('\n| hangs off (older object .edge) | MB |\n|---|--:|');
    for (const [k, b] of d.holders) console.log(`| ${k.replace(/\|/g, '/')} | ${MB(b)} |`);
  }
