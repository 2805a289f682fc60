/**
 * Runs inside the sandbox's own context and installs the globals the hosted sandbox offers
 * (rudderlabs/rudder-transformer @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8, src/util/ivmFactory.js:
 * `global`, `log`, `fetch`, `fetchV2`, `geolocation`, `getCredential`, `extractStackTrace`).
 *
 * Every function the user can reach is created here, in the sandbox's realm, and talks to the worker
 * only through `bridge`, a closure variable user code cannot name; values cross as JSON strings and
 * are rebuilt with the sandbox's own JSON. So no object of the worker's realm (whose Function
 * constructor could reach `process`) is ever handed to user code, not even an error. It returns the
 * codec the worker moves a call's events and results with (see `decode`, `encode`).
 */
import { jsonChunks } from './json-chunks.js';
import { CALL_GLOBAL, RUN_SOURCE } from './wrapper.js';

export const BOOTSTRAP_SOURCE = `(function install(bridge) {
  'use strict';
  const g = globalThis;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const assign = Object.assign;
  const hasOwn = Object.hasOwn;
  const fromBridge = (json) => (json === undefined ? undefined : parse(json));
  Object.defineProperty(g, 'global', { value: g, writable: true, configurable: true });

  // log(...): "Log:" then each argument, objects as JSON (hosted test-mode capture).
  g.log = function log(...args) {
    let line = 'Log:';
    for (const arg of args) line += ' ' + (typeof arg === 'object' ? stringify(arg) : String(arg));
    bridge.log(line);
  };

  // Credentials (the current call's): undefined when none were given; a null/undefined key is a
  // TypeError (hosted).
  g.getCredential = function getCredential(...args) {
    const key = args[0];
    const credentialsJson = bridge.credentials();
    if (credentialsJson === undefined) return undefined;
    const credentials = Object.assign(Object.create(null), parse(credentialsJson));
    if (key === null || key === undefined) throw new TypeError(${JSON.stringify('Key should be valid and defined')});
    return credentials[key];
  };

  // Asynchronous helpers settle with sandbox-realm values only.
  const call = (name, args) =>
    new Promise((resolve, reject) => {
      bridge.call(name, stringify(args)).then(
        (answer) => {
          const { ok, value } = parse(answer);
          if (ok) resolve(fromBridge(value));
          else reject(fromBridge(value));
        },
        () => reject(new Error(name + ' failed')),
      );
    });
  g.fetch = function fetch(...args) { return call('fetch', args); };
  g.fetchV2 = function fetchV2(...args) { return call('fetchV2', args); };
  g.geolocation = function geolocation(...args) { return call('geolocation', args); };

  // The hosted error trimmer, reached through the trace's own split: a thrown value without a string
  // stack fails here exactly as it fails on the hosted side.
  g.extractStackTrace = function extractStackTrace(trace, names) {
    const lines = trace.split('\\n');
    let last = 0;
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      if (names.some((n) => lines[i].includes(n))) { last = i; break; }
    }
    return lines.slice(0, last + 1).join('\\n');
  };

  // The call's events in and its results out as JSON array texts (jsonChunks), with the JSON of
  // this realm as it was before any user code ran. Returned to the sandbox process only, never put on
  // the global: decode reads the worker's array of strings, which user code must never see.
  // With sharedJson, the chunks hold the events alone and each event's metadata is the shared
  // metadata filled from the event, the rule of toCallInputs (src/inputs.ts).
  const chunks = ${jsonChunks.toString()};
  const decode = (texts, sharedJson) => {
    const values = [];
    for (let t = 0; t < texts.length; t += 1) {
      const group = parse(texts[t]);
      for (let i = 0; i < group.length; i += 1) values[values.length] = group[i];
    }
    if (sharedJson === undefined) return values;
    const shared = parse(sharedJson);
    for (let i = 0; i < values.length; i += 1) {
      const message = values[i];
      const metadata = assign({}, shared);
      metadata.messageId = shared.messageId ?? message.messageId;
      metadata.eventName = shared.eventName ?? message.event;
      metadata.eventType = shared.eventType ?? message.type;
      metadata.receivedAt = shared.receivedAt ?? message.receivedAt;
      values[i] = { message, metadata };
    }
    return values;
  };
  // The wrapper's list goes out as its values alone (each output event or error text), in chunks, and
  // one last text with each entry's source and which entries are errors: no object per entry to write
  // here and read back in the runner (see readAnswer, src/result-metadata.ts).
  const encode = (entries) => {
    const values = [];
    const sources = [];
    const errors = [];
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i];
      sources[i] = entry.source;
      if (hasOwn(entry, 'error')) {
        errors[errors.length] = i;
        values[i] = entry.error;
      } else values[i] = entry.transformedEvent;
    }
    const texts = chunks(values, stringify);
    texts[texts.length] = stringify({ sources, errors });
    return texts;
  };

  // How the sandbox process starts a call under vm's timeout: it arms the call here with the module's
  // entry and the decoded events (values of this realm only), then runs a script that fires it. The
  // global cannot be replaced, fires once per arming, and holds nothing of the worker's realm, so
  // user code that finds it gets nothing it did not have.
  const runCall = ${RUN_SOURCE};
  let armed;
  const arm = (entry, payload, kind) => {
    armed = { entry, payload, kind };
  };
  Object.defineProperty(g, ${JSON.stringify(CALL_GLOBAL)}, {
    value: function fire() {
      const call = armed;
      armed = undefined;
      return call === undefined ? undefined : runCall(call.entry, call.payload, call.kind);
    },
  });
  return { decode, encode, arm };
})`;
