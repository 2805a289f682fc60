#!/usr/bin/env node
// Regenerates the conformance fixtures in test/fixtures/ from rudderlabs/rudder-server's own test tables.
// The Go test tables are data (inputs and expected outputs); this reads them out of a local clone and
// writes them as JSON with their origin, so the corpus can be refreshed when the reference moves on.
//
//   node scripts/import-reference-cases.mjs <rudder-server git dir> <rudder-transformer git dir>
//
// rudder-transformer's fixtures (test/__tests__/data/warehouse/) are CommonJS data modules: they are
// loaded as they are (with a stand-in for the one lodash call they make) and written out as JSON.
//
// How: the composite literals of the Go tables are rewritten into JavaScript object literals and
// evaluated against small stand-ins for the Go test helpers (getMetadata, getDestination, the output
// builder), which reproduce what those helpers return.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [gitDir, transformerGitDir] = process.argv.slice(2);
if (!gitDir || !transformerGitDir) {
  console.error('usage: import-reference-cases.mjs <rudder-server git dir> <rudder-transformer git dir>');
  process.exit(2);
}
const DIR = 'processor/internal/transformer/destination_transformer/embedded/warehouse';
const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const commit = git('rev-parse', 'HEAD').trim();
const show = (path) => git('show', `${commit}:${path}`);
const origin = (path) => ({ repo: 'rudderlabs/rudder-server', path, commit });

const WH = {
  RS: 'RS',
  BQ: 'BQ',
  SNOWFLAKE: 'SNOWFLAKE',
  POSTGRES: 'POSTGRES',
  CLICKHOUSE: 'CLICKHOUSE',
  MSSQL: 'MSSQL',
  AzureSynapse: 'AZURE_SYNAPSE',
  S3Datalake: 'S3_DATALAKE',
  GCSDatalake: 'GCS_DATALAKE',
  AzureDatalake: 'AZURE_DATALAKE',
  DELTALAKE: 'DELTALAKE',
  SnowpipeStreaming: 'SNOWPIPE_STREAMING',
  BQStreamAllEvents: 'BQ_STREAM_ALL_EVENTS',
};

/** Rewrites a Go composite literal expression into a JavaScript expression. */
function goToJs(src) {
  src = src.replace(/\[\]struct\s*\{[^{}]*\}\s*\{/g, '[]ANY{');
  src = src.replace(/(\w+) := func\(\) testhelper\.OutputBuilder \{\s*return testhelper\.OutputBuilder\{/g, 'const $1 = () => OB({');
  src = src.replace(/testCases := /g, 'const testCases = ');
  let out = '';
  const stack = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      out += JSON.stringify(src.slice(i + 1, j));
      i = j + 1;
      continue;
    }
    const rest = src.slice(i, i + 80);
    let m;
    if ((m = /^\[\][\w.*]+\{/.exec(rest))) {
      out += '[';
      stack.push(']');
      i += m[0].length;
      continue;
    }
    if ((m = /^map\[string\][\w.]+\{/.exec(rest))) {
      out += '{';
      stack.push('}');
      i += m[0].length;
      continue;
    }
    if ((m = /^(?<![\w.])[A-Za-z_][\w]*(\.[A-Z]\w*)?\{/.exec(rest)) && !/^(return|func)\b/.test(rest)) {
      out += '{';
      stack.push('}');
      i += m[0].length;
      continue;
    }
    if (c === '{') {
      stack.push('}');
      out += c;
      i++;
      continue;
    }
    if (c === '}') {
      out += stack.pop() ?? '}';
      i++;
      continue;
    }
    if ((m = /^float(64|32)\(([^)]*)\)/.exec(rest))) {
      out += m[2];
      i += m[0].length;
      continue;
    }
    if ((m = /^whutils\.(\w+)/.exec(rest))) {
      out += JSON.stringify(WH[m[1]] ?? m[1]);
      i += m[0].length;
      continue;
    }
    if ((m = /^http\.Status(OK|BadRequest|InternalServerError)/.exec(rest))) {
      out += { OK: '200', BadRequest: '400', InternalServerError: '500' }[m[1]];
      i += m[0].length;
      continue;
    }
    if (/^nil\b/.test(rest)) {
      out += 'null';
      i += 3;
      continue;
    }
    out += c;
    i++;
  }
  // The builder functions' own closing brace: `})` from the literal, then the func body's `}`.
  return out.replace(/\}\)?\n(\t+)\}\n/g, (all) => all).replace(/(const \w+ = \(\) => OB\(\{[\s\S]*?\n\t\t\t\})\n\t\t\}/g, '$1)');
}

/** The output builder of rudder-server's testhelper package, as data operations. */
class OB {
  constructor(o) {
    Object.assign(this, structuredClone(o));
  }
  SetDataField(k, v) {
    (this.data ??= {})[k] = v;
    return this;
  }
  SetColumnField(k, v) {
    ((this.metadata ??= {}).columns ??= {})[k] = v;
    return this;
  }
  SetMetadata(k, v) {
    (this.metadata ??= {})[k] = v;
    return this;
  }
  SetTableName(t) {
    (this.metadata ??= {}).table = t;
    return this;
  }
  RemoveDataFields(...ks) {
    for (const k of ks) delete this.data?.[k];
    return this;
  }
  RemoveColumnFields(...ks) {
    for (const k of ks) delete this.metadata?.columns?.[k];
    return this;
  }
  RemoveMetadata(...ks) {
    for (const k of ks) delete this.metadata?.[k];
    return this;
  }
  BuildForSnowflake() {
    const up = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toUpperCase(), v]));
    if (this.data) this.data = up(this.data);
    if (this.metadata?.columns) this.metadata.columns = up(this.metadata.columns);
    if (typeof this.metadata?.table === 'string') this.metadata.table = this.metadata.table.toUpperCase();
    return this;
  }
}

const errors = {
  ErrMergePropertiesMissing: ['either or both identifiers missing in mergeProperties', 400],
  ErrMergePropertiesNotSufficient: ['either or both identifiers missing in mergeProperties', 400],
  ErrMergePropertyOneInvalid: ['mergeProperties contains null values for expected inputs', 400],
  ErrMergePropertyTwoInvalid: ['mergeProperties contains null values for expected inputs', 400],
  ErrMergePropertyEmpty: ['mergeProperties contains null values for expected inputs', 400],
  ErrMergePropertiesNotArray: ['mergeProperties contains null values for expected inputs', 400],
  ErrExtractEventNameEmpty: ['cannot create event table with empty event name, event name is missing in the payload', 400],
  ErrContextNotMap: ['context is not a map', 500],
};
const response = Object.fromEntries(Object.entries(errors).map(([k, [message, code]]) => [k, { Error: () => message, StatusCode: () => code }]));

// Stand-ins for transformer_test.go's getMetadata / getTrackMetadata / getDestination.
const getMetadata = (eventType, destinationType) => ({
  EventType: eventType,
  DestinationType: destinationType,
  ReceivedAt: '2021-09-01T00:00:00.000Z',
  SourceID: 'sourceID',
  DestinationID: 'destinationID',
  SourceType: 'sourceType',
  MessageID: 'messageId',
  RecordID: 'recordID',
});
const getTrackMetadata = (destinationType, sourceCategory) => ({
  ...getMetadata('track', destinationType),
  SourceCategory: sourceCategory,
});
const getDestination = (destinationType, config) => ({ type: destinationType, config });

function evalTable(goSrc) {
  const js = goToJs(goSrc);
  try {
    return new Function('OB', 'strings', 'response', 'getMetadata', 'getTrackMetadata', 'getDestination', `${js}\nreturn testCases;`)(
      (o) => new OB(o),
      { Repeat: (s, n) => s.repeat(n), ToUpper: (s) => s.toUpperCase(), ToLower: (s) => s.toLowerCase() },
      response,
      getMetadata,
      getTrackMetadata,
      getDestination,
    );
  } catch (err) {
    writeFileSync('/tmp/import-reference-cases.js', js);
    throw new Error(`could not evaluate the rewritten table (kept in /tmp/import-reference-cases.js): ${err.message}`, {
      cause: err,
    });
  }
}

const plain = (o) => JSON.parse(JSON.stringify(o));

function importEvents() {
  const path = `${DIR}/events_test.go`;
  const src = show(path);
  const start = src.indexOf('identifyDefaultOutput := func()');
  const end = src.indexOf('for _, tc := range testCases', start);
  const cases = evalTable(src.slice(start, end).replace(/\n\t\t$/, ''));
  return {
    origin: origin(path),
    note: 'TestEvents/"Basic events": each case is an event, the transformer metadata and destination config, and the rows it produces',
    cases: cases.map((tc) => ({
      name: tc.name,
      configOverride: tc.configOverride ?? {},
      event: JSON.parse(tc.eventPayload),
      metadata: tc.metadata,
      destination: { type: tc.destination.type ?? tc.destination.Name, config: tc.destination.config ?? tc.destination.Config ?? {} },
      expected: (tc.expectedResponse.Events ?? []).map((e) => plain(e.Output)),
      failed: (tc.expectedResponse.FailedEvents ?? []).map((e) => ({ error: e.Error, statusCode: e.StatusCode })),
    })),
  };
}

function importSafe() {
  const path = `${DIR}/safe_test.go`;
  const src = show(path);
  const tables = {};
  for (const fn of [
    'TestSafeNamespace',
    'TestSafeTableName',
    'TestSafeColumnName',
    'TestTransformTableName',
    'TestTransformColumnName',
    'TestBlendoColumnNameRemovesSQLBreakoutCharacters',
  ]) {
    const start = src.indexOf('testCases := ', src.indexOf(`func ${fn}(`));
    const end = src.indexOf('for _, tc := range testCases', start);
    tables[fn] = plain(evalTable(src.slice(start, end)));
  }
  return { origin: origin(path), tables };
}

function importTransformer() {
  const tgit = (...args) => execFileSync('git', ['--git-dir', transformerGitDir, ...args], { encoding: 'utf8' });
  const tcommit = tgit('rev-parse', 'HEAD').trim();
  const dir = mkdtempSync(join(tmpdir(), 'rt-fixtures-'));
  mkdirSync(join(dir, 'node_modules', 'lodash'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'lodash', 'index.js'), 'module.exports = { cloneDeep: (o) => structuredClone(o) };');
  const base = 'test/__tests__/data/warehouse';
  for (const f of ['events', 'names']) writeFileSync(join(dir, `${f}.js`), tgit('show', `${tcommit}:${base}/${f}.js`));
  const req = createRequire(join(dir, 'x.js'));
  const events = req('./events.js');
  const types = ['track', 'identify', 'page', 'screen', 'group', 'alias'];
  const integrations = ['rs', 'bq', 'postgres', 'snowflake'];
  return {
    origin: { repo: 'rudderlabs/rudder-transformer', path: base, commit: tcommit },
    note: 'events.js: input(type) and output(type, integration) as test/__tests__/warehouse.test.js reads them; names.js: property names and the columns and table names they become',
    events: Object.fromEntries(
      types.map((t) => [t, { input: events.input(t), output: Object.fromEntries(integrations.map((i) => [i, events.output(t, i)])) }]),
    ),
    names: req('./names.js').names,
  };
}

const out = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
writeFileSync(`${out}rudder-server-events.json`, JSON.stringify(importEvents(), null, 1) + '\n');
writeFileSync(`${out}rudder-server-safe.json`, JSON.stringify(importSafe(), null, 1) + '\n');
writeFileSync(`${out}rudder-transformer-warehouse.json`, JSON.stringify(importTransformer(), null, 1) + '\n');
console.log(`wrote fixtures from rudderlabs/rudder-server@${commit}`);
