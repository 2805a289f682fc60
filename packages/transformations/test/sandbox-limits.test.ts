// Hostile code ends its own call with the hosted error, and the runner keeps serving: every case is
// followed by a call that must work on the same runner.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, TransformationRunner } from '../dist/index.js';
import { CALLS_PER_SANDBOX } from '../dist/runner.js';

const events = [
  { messageId: 'm1', type: 'track', event: 'Order Completed', userId: 'u1' },
  { messageId: 'm2', type: 'identify', userId: 'u2' },
];
// A short budget keeps the suite quick; the defaults are asserted separately.
const runner = new TransformationRunner({ timeoutMs: 750 });
after(() => runner.close());

async function stillServes(): Promise<void> {
  const run = await runner.run({ code: 'export function transformEvent(e) { e.ok = true; return e; }', events });
  assert.equal(run.error, undefined);
  assert.deepEqual(
    run.results.map((r) => ('output' in r ? r.output.ok : r.statusCode)),
    [true, true],
  );
}

async function failsWith(code: string, error: string): Promise<void> {
  const run = await runner.run({ code, events });
  assert.equal(run.error, error);
  assert.deepEqual(
    run.results.map((r) => [r.statusCode, 'error' in r ? r.error : undefined, r.metadata.messageId]),
    [
      [400, error, 'm1'],
      [400, error, 'm2'],
    ],
  );
  await stillServes();
}

describe('limits as hosted', () => {
  test('defaults: 4 s per call and a 128 MB isolate', () => {
    const plain = new TransformationRunner();
    assert.equal(plain.limits.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(DEFAULT_TIMEOUT_MS, 4000);
    assert.equal(plain.limits.memoryMb, DEFAULT_MEMORY_MB);
    assert.equal(DEFAULT_MEMORY_MB, 128);
  });

  test('a runaway loop ends the call with "Script execution timed out."', async () => {
    await failsWith('export function transformEvent(e) { for (;;) {} }', 'Error: Script execution timed out.');
  });

  test('a loop after an await is ended by the watchdog, which replaces the sandbox', async () => {
    const before = runner.workersStarted;
    await failsWith('export async function transformEvent(e) { await null; for (;;) {} }', 'Error: Script execution timed out.');
    assert.equal(runner.workersStarted, before + 1);
  });

  test('a runaway loop in the module\'s top-level code ends the call with "Script execution timed out."', async () => {
    await failsWith('for (;;) {}\nexport function transformEvent(e) { return e; }', 'Error: Script execution timed out.');
  });

  test('a 1 GB allocation ends the call with the isolate memory error', async () => {
    // A generous time budget, so that the heap limit (128 MB, the default) is what ends the call even
    // on a loaded machine, where V8's last-resort collections before giving up take seconds.
    const plain = new TransformationRunner({ timeoutMs: 20_000 });
    try {
      // 128 chunks of 8 MB
      const code =
        'export function transformEvent(e) { const gb = []; for (let i = 0; i < 128; i++) gb.push(new Array(1 << 20).fill(1.5)); return { n: gb.length }; }';
      const run = await plain.run({ code, events });
      assert.equal(run.error, 'Error: Isolate was disposed during execution due to memory limit');
      assert.deepEqual(
        run.results.map((r) => r.statusCode),
        [400, 400],
      );
      const next = await plain.run({ code: 'export function transformEvent(e) { return e; }', events });
      assert.equal(next.results.length, 2);
      assert.equal(next.error, undefined);
      // and one giant array (ends by the heap limit or the time budget, whichever V8 meets first)
      const single = await plain.run({
        code: 'export function transformEvent(e) { return { n: new Array(128 * 1024 * 1024).fill(1.5).length }; }',
        events,
        limits: { timeoutMs: 2000 },
      });
      assert.match(single.error ?? '', /^Error: (Isolate was disposed during execution due to memory limit|Script execution timed out\.)$/);
    } finally {
      await plain.close();
    }
    await stillServes();
  });

  test('1 GB written to typed arrays (off the V8 heap) ends the call with the isolate memory error', async () => {
    // Backing stores are not bounded by the heap limit; the runner bounds the sandbox's resident
    // memory (heap limit + RESIDENT_MARGIN_MB). Reached directly and through a constructor chain; a
    // small heap keeps the bytes written before the limit (and the test's time) small.
    const plain = new TransformationRunner({ timeoutMs: 20_000, memoryMb: 16 });
    try {
      for (const allocate of [
        'new Uint8Array(2 ** 30)',
        'new Uint8Array(new (Object.getPrototypeOf(new Uint8Array(0).buffer).constructor)(2 ** 30))',
      ]) {
        const run = await plain.run({ code: `export function transformEvent(e) { return { n: ${allocate}.fill(7).length }; }`, events });
        assert.equal(run.error, 'Error: Isolate was disposed during execution due to memory limit', allocate);
        assert.deepEqual(
          run.results.map((r) => r.statusCode),
          [400, 400],
        );
        const next = await plain.run({ code: 'export function transformEvent(e) { return { n: new Uint8Array(2 ** 20).fill(1).length }; }', events });
        assert.deepEqual(
          next.results.map((r) => ('output' in r ? r.output.n : r.statusCode)),
          [2 ** 20, 2 ** 20],
        );
      }
    } finally {
      await plain.close();
    }
  });

  test('infinite recursion fails each event with the RangeError', async () => {
    const run = await runner.run({
      code: 'function deeper(n) { return deeper(n + 1) + 1; }\nexport function transformEvent(e) { return deeper(0); }',
      events,
    });
    assert.deepEqual(
      run.results.map((r) => [r.statusCode, 'error' in r ? r.error : undefined]),
      [
        [400, 'RangeError: Maximum call stack size exceeded'],
        [400, 'RangeError: Maximum call stack size exceeded'],
      ],
    );
    await stillServes();
  });

  test('a thrown string has no stack: the hosted trimmer fails the whole call', async () => {
    await failsWith("export function transformEvent(e) { throw 'not an Error'; }", "Error: Cannot read properties of undefined (reading 'split')");
  });

  test('an async transformEvent that never settles ends with "Timed out"', async () => {
    await failsWith('export async function transformEvent(e) { await new Promise(() => {}); return e; }', 'Error: Timed out');
  });

  test('an async transformEvent that settles is awaited', async () => {
    const run = await runner.run({
      code: 'export async function transformEvent(e) { const v = await Promise.resolve(7); await null; e.v = v; return e; }',
      events,
    });
    assert.deepEqual(
      run.results.map((r) => ('output' in r ? r.output.v : r)),
      [7, 7],
    );
  });

  test('an import of a missing library ends the call with the hosted message', async () => {
    await failsWith(
      "import { hash } from 'cryptoLib';\nexport function transformEvent(e) { return e; }",
      'Error: import from cryptoLib failed. Module not found.',
    );
  });

  test('Node built-ins are not importable either', async () => {
    await failsWith("import fs from 'fs';\nexport function transformEvent(e) { return e; }", 'Error: import from fs failed. Module not found.');
  });

  test('neither or both functions: the hosted "Expected one of" text', async () => {
    await failsWith('export function transform(events) { return events; }', 'Error: Expected one of transformEvent,transformBatch. Found ');
    await failsWith(
      'export function transformEvent(e) { return e; }\nexport function transformBatch(es) { return es; }',
      'Error: Expected one of transformEvent,transformBatch. Found transformEvent,transformBatch',
    );
  });

  test('no Node globals in the sandbox, and the helpers do not lead back to the host realm', async () => {
    const run = await runner.run({
      code: `export function transformEvent(e) {
        e.seen = [typeof require, typeof process, typeof setTimeout, typeof Buffer, typeof module];
        e.viaHelper = log.constructor('return typeof process')();
        try { getCredential(); } catch (err) { e.viaError = err.constructor.constructor('return typeof process')(); }
        return e;
      }`,
      events: events.slice(0, 1),
      credentials: {},
    });
    const out = run.results[0] as { output: Record<string, unknown> };
    assert.deepEqual(out.output.seen, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    assert.equal(out.output.viaHelper, 'undefined');
    assert.equal(out.output.viaError, 'undefined');
  });

  test('no function on the global object, during a call, leads back to the host realm', async () => {
    // Every own global (the runner's own included), read while the call runs: its constructor must be
    // this realm's Function, in which `process` does not exist.
    const run = await runner.run({
      code: `export function transformEvent(e) {
        e.leaks = [];
        for (const key of Reflect.ownKeys(globalThis)) {
          const value = globalThis[key];
          if (typeof value !== 'function') continue;
          if (value.constructor('return typeof process')() !== 'undefined') e.leaks.push(String(key));
        }
        return e;
      }`,
      events: events.slice(0, 1),
    });
    const out = run.results[0] as { output: Record<string, unknown> };
    assert.deepEqual(out.output.leaks, []);
  });

  test('a syntax error ends the call with the SyntaxError', async () => {
    const run = await runner.run({ code: 'export function transformEvent(e) { return e', events });
    assert.match(run.error ?? '', /^SyntaxError: /);
    await stillServes();
  });
});

describe('a long-lived runner', () => {
  test('a sandbox process serves a bounded number of calls, then a fresh one takes over between calls', async () => {
    // Node 20 never frees a call's module, so a sandbox that served too many calls would slow down and grow.
    // What a call leaves on the global lives as long as its sandbox process: it shows which process ran each call.
    const fresh = new TransformationRunner();
    try {
      const code =
        'export function transformEvent(e) { globalThis.served = (globalThis.served ?? 0) + 1; return { ...e, served: globalThis.served }; }';
      const served: unknown[] = [];
      for (let i = 0; i < CALLS_PER_SANDBOX + 2; i++) {
        const run = await fresh.run({ code, events: events.slice(0, 1) });
        const [result] = run.results;
        assert.ok('output' in result, JSON.stringify(run));
        served.push(result.output.served);
      }
      assert.deepEqual(served.slice(-3), [CALLS_PER_SANDBOX, 1, 2]);
      assert.deepEqual(
        served.slice(0, CALLS_PER_SANDBOX),
        Array.from({ length: CALLS_PER_SANDBOX }, (_, i) => i + 1),
      );
      assert.equal(fresh.workersStarted, 2);
    } finally {
      await fresh.close();
    }
  });
});
