/**
 * The real-payload corpus (test/corpus/gateway): every line goes through `rudder send` and through
 * `client.send()` to the local data plane. Line by line, the verdict is the gateway's (stored, or
 * refused with its reason), and what is stored carries every field of the line unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { RudderAnalytics, ValidationError } from 'rudderanalytics';
import { cleanId } from '../../rudderanalytics/src/ids.js';
import { LIBRARY } from '../../rudderanalytics/src/version.js';
import { at, rudderProcess, SENTINEL, startPlane, type TestPlane } from './support/helpers.js';

const DIR = new URL('../../../test/corpus/gateway/', import.meta.url);
const EVENTS_PATH = new URL('events.jsonl', DIR);
const lines = readFileSync(EVENTS_PATH, 'utf8')
  .split('\n')
  .filter((l) => l !== '');
const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
type Source = {
  line: number;
  verdict: 'stored' | 'refused';
  reason?: string;
  source: { repo?: string; path?: string; url?: string; pointer: string };
};
const sources = readFileSync(new URL('sources.jsonl', DIR), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as Source);
const storedLines = sources.filter((s) => s.verdict === 'stored').map((s) => s.line);
const refusedLines = sources.filter((s) => s.verdict === 'refused').map((s) => s.line);

// The gateway's reason, as the SDK words the same rule.
const RULE_FOR: Record<string, RegExp> = {
  'request neither has anonymousId nor userId': /^userId: a userId or an anonymousId is required/,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `stored` is the line as sent: every field unchanged, but for what the table in the README allows. */
function arrivedUnchanged(line: Record<string, unknown>, stored: Record<string, unknown>): boolean {
  for (const key of Object.keys(line)) {
    const sent = line[key];
    const got = stored[key];
    switch (key) {
      case 'sentAt':
        continue; // always the SDK's send time
      case 'rudderId':
        continue; // always the gateway's own (handle.go overwrites it)
      case 'messageId':
        // The gateway keeps a non-blank string id, cleaned; any other is replaced by a new one.
        if (typeof sent === 'string' && cleanId(sent) !== '' && got !== cleanId(sent)) return false;
        continue;
      case 'originalTimestamp':
      case 'timestamp':
        if (!isDeepStrictEqual(got, typeof sent === 'number' ? new Date(sent).toISOString() : sent)) return false;
        continue;
      case 'context':
        // context.library is added only when absent.
        if (isObject(sent) && sent.library === undefined) {
          if (!isObject(got) || !isDeepStrictEqual(got, { ...sent, library: LIBRARY })) return false;
          continue;
        }
    }
    if (!isDeepStrictEqual(got, sent)) return false;
  }
  return true;
}

/** Pairs each stored line with a stored event it arrived as, each event used once. */
function assertStoredUnchanged(stored: Record<string, unknown>[]): void {
  assert.equal(stored.length, storedLines.length, 'as many stored as the gateway stores');
  const unused = new Set(stored);
  for (const n of storedLines) {
    const line = events[n - 1];
    const match = [...unused].find((e) => arrivedUnchanged(line, e));
    assert.ok(match, `line ${n} (${sourceOf(n)}) was not stored unchanged`);
    unused.delete(match);
  }
}

function sourceOf(n: number): string {
  const { source } = sources[n - 1];
  return `${source.repo ?? source.url} ${source.path ?? ''} ${source.pointer}`;
}

function storedEvents(dp: TestPlane): Record<string, unknown>[] {
  return dp.events({ limit: 1000, order: 'asc' }).map((row) => row.payload as Record<string, unknown>);
}

test("the corpus: a few hundred events, each line with its source and the gateway's verdict", () => {
  assert.ok(events.length >= 250, `${events.length} events`);
  assert.equal(sources.length, events.length);
  sources.forEach((s, i) => {
    assert.equal(s.line, i + 1);
    assert.ok((s.source.repo && s.source.path) || s.source.url, `line ${s.line} names its source`);
    assert.ok(s.verdict === 'stored' || (s.verdict === 'refused' && s.reason && RULE_FOR[s.reason]), `line ${s.line}: ${s.verdict} ${s.reason}`);
  });
  assert.ok(refusedLines.length > 0 && storedLines.length > refusedLines.length);
});

/** A fresh data plane for one describe block: each path is judged on what it alone stored. */
function usePlane(): () => TestPlane {
  let dp: TestPlane;
  before(async () => {
    dp = await startPlane();
  });
  after(() => dp.stop());
  return () => dp;
}

describe('rudder send', () => {
  const plane = usePlane();

  test("stores what the gateway stores, unchanged, and refuses the rest line by line with the gateway's reason", async () => {
    const dp = plane();
    const failedPath = join(dp.dir, 'corpus-failed.jsonl');
    const run = await rudderProcess(['send', EVENTS_PATH.pathname, ...at(dp), '--failed-out', failedPath]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`read ${events.length} · delivered ${storedLines.length} · invalid ${refusedLines.length} · failed 0 · dropped 0`),
    );
    const failed = readFileSync(failedPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      failed.map((f) => f.line),
      refusedLines,
    );
    for (const f of failed) {
      assert.match(f.reason, RULE_FOR[sources[f.line - 1].reason!], `line ${f.line}`);
      assert.deepEqual(f.event, events[f.line - 1], `line ${f.line}: written out as read`);
    }
    assertStoredUnchanged(storedEvents(dp));
  });
});

describe('client.send()', () => {
  const plane = usePlane();

  test('the same verdicts, line by line, and the same events stored unchanged', async () => {
    const dp = plane();
    const client = RudderAnalytics.load(SENTINEL, dp.url, { flushOnExit: false, logger: {} });
    const verdicts = await Promise.all(
      events.map((event) =>
        client.send(event as never).then(
          () => 'stored',
          (error: unknown) => (error instanceof ValidationError ? `refused ${error.message}` : `failed ${String(error)}`),
        ),
      ),
    );
    await client.close();
    verdicts.forEach((verdict, i) => {
      const expected = sources[i];
      if (expected.verdict === 'stored') assert.equal(verdict, 'stored', `line ${i + 1} (${sourceOf(i + 1)})`);
      else assert.match(verdict.replace(/^refused /, ''), RULE_FOR[expected.reason!], `line ${i + 1}`);
    });
    assertStoredUnchanged(storedEvents(dp));
  });
});
