// The hosted service's own expectations, replayed offline. Every case names its origin:
// rudderlabs/rudder-transformer @ c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8,
// test/__tests__/user_transformation.test.js (UT) or test/__tests__/user_transformation_errors.test.js
// (UTE), by the title of the case there; the inline codes are quoted as they appear there, since
// error positions count their lines.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { TransformationRunner } from '../dist/index.js';
import { asInputs, LODASH_LIBRARY, testModeView, transformerData, URL_LIBRARY, type Envelope } from './support.js';

const runner = new TransformationRunner();
after(() => runner.close());

const input = transformerData<Envelope[]>('input');
const urlLib = [{ importName: 'url', code: URL_LIBRARY }];

const ASYNC_URL_EVENT = `
      import url from 'url';
      async function foo() {
        return 'resolved';
      }
      export async function transformEvent(event, metadata) {
          const pr = await foo();
          if(event.properties && event.properties.url){
            const x = new url.URLSearchParams(event.properties.url).get("client");
          }
          event.promise = pr;
          return event;
        }
        `;

describe('rudder-transformer user_transformation.test.js (codeVersion 1)', () => {
  test('UT "async test for V1 transformation - transformBatch"', async () => {
    const code = `
      import url from 'url';
      async function foo() {
        return 'resolved';
      }
      export async function transformBatch(events, metadata) {
          const pr = await foo();
          const modifiedEvents = events.map(event => {
            if(event.properties && event.properties.url){
              const x = new url.URLSearchParams(event.properties.url).get("client");
            }
            event.promise = pr;
            return event;
          });
            return modifiedEvents;
          }
          `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual(run.transformedEvents, transformerData('async_output'));
    assert.equal(run.kind, 'transformBatch');
  });

  test('UT "transformBatch returning an array containing error"', async () => {
    const code = `
      import url from 'url';
      async function foo() {
        return 'resolved';
      }
      export async function transformBatch(events, metadata) {
          const pr = await foo();
          const modifiedEvents = events.map((event, index) => {
            if (index === 0) return null;
            if(event.properties && event.properties.url){
              const x = new url.URLSearchParams(event.properties.url).get("client");
            }
            event.promise = pr;
            return event;
          });
            return modifiedEvents;
          }
          `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    const expected = transformerData<unknown[]>('async_output');
    expected[0] = { error: 'returned event in events array from transformBatch(events) is not an object', metadata: {} };
    assert.deepEqual(run.transformedEvents, expected);
  });

  test('UT "async test for V1 transformation - transformEvent"', async () => {
    const run = await runner.run({ code: ASYNC_URL_EVENT, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual(run.transformedEvents, transformerData('async_output'));
  });

  test('UT "transformEvent returning array of events": each element is an output with the source metadata', async () => {
    const code = `
      import url from 'url';
      async function foo() {
        return 'resolved';
      }
      export async function transformEvent(event, metadata) {
          const pr = await foo();
          if(event.properties && event.properties.url){
            const x = new url.URLSearchParams(event.properties.url).get("client");
          }
          event.promise = pr;
          return [event, {duplicate: true, ...event}];
        }
        `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    const expected = transformerData<Array<{ transformedEvent: object; metadata: object }>>('async_output').flatMap((e) => [
      e,
      { ...e, transformedEvent: { ...e.transformedEvent, duplicate: true } },
    ]);
    assert.deepEqual(run.transformedEvents, expected);
  });

  test('UT "transformEvent returning non array/objects": one bad element fails the event, no output kept', async () => {
    const code = `
      import url from 'url';
      async function foo() {
        return 'resolved';
      }
      export async function transformEvent(event, metadata) {
          const pr = await foo();
          if(event.properties && event.properties.url){
            const x = new url.URLSearchParams(event.properties.url).get("client");
          }
          event.promise = pr;
          return [event, 1];
        }
        `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual(
      run.transformedEvents,
      input.map(() => ({ error: 'returned event in events array from transformEvent(event) is not an object', metadata: {} })),
    );
  });

  test('UT "transformEvent - event ordering"', async () => {
    const run = await runner.run({
      code: ASYNC_URL_EVENT,
      name: 'url',
      libraries: urlLib,
      inputs: asInputs(transformerData('input_large')),
    });
    assert.deepEqual(run.transformedEvents, transformerData('async_output_large'));
  });

  test('UT "transformEvent with some failures for some events": the error is trimmed to the user frames', async () => {
    const code = `
      import url from 'url';
      async function rejectNonIdentifies(eventType) {
        if(eventType === 'identify') {
          return 'resolved';
        }
        throw new Error("Non-identify found")
      }
      export async function transformEvent(event, metadata) {
          const pr = await rejectNonIdentifies(event.type);
          if(event.properties && event.properties.url){
            const x = new url.URLSearchParams(event.properties.url).get("client");
          }
          event.promise = pr;
          return event;
        }
        `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual(run.transformedEvents, transformerData('async_output_with_errors'));
  });

  test('UT "Test for lodash functions"', async () => {
    const code = `
      import * as lodash from 'lodash';
      export function transformBatch(events, metadata) {
          const modifiedEvents = events.map(event => {
            event.max = lodash.max([2,3,5,6,7,8]);
            event.min = lodash.min([-2,3,5,6,7,8]);
            return event;
          });
            return modifiedEvents;
          }
          `;
    const run = await runner.run({
      code,
      name: 'lodash',
      libraries: [{ importName: 'lodash', code: LODASH_LIBRARY }],
      inputs: asInputs(input),
    });
    assert.deepEqual(run.transformedEvents, transformerData('lodash_output'));
  });

  test('UT "Test for URLSearchParams library"', async () => {
    const code = `
      import url from 'url';
      export function transformBatch(events) {
          const modifiedEvents = events.map(event => {
            if(event.properties && event.properties.url){
              event.properties.client = new url.URLSearchParams(event.properties.url).get("client");
            }
            return event;
          });
            return modifiedEvents;
          }
          `;
    const run = await runner.run({ code, name: 'url', libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual(run.transformedEvents, transformerData('url_search_params_output'));
  });

  test('UT "Test for invalid library import error": the call fails with the hosted text', async () => {
    const code = `
      import { add } from 'addLib';
      import { sub } from 'somelib';
      export async function transformEvent(event, metadata) {
          event.add = add(1, 2);
          event.sub = sub(1, 2);
          return event;
        }
        `;
    const addLib = `
    export function add(a, b) {
      return a + b;
    }
    `;
    const run = await runner.run({ code, libraries: [{ importName: 'addLib', code: addLib }], inputs: asInputs(input) });
    assert.equal(run.error, 'Error: import from somelib failed. Module not found.');
    assert.deepEqual(
      run.results.map((r) => [r.statusCode, 'error' in r && r.error]),
      input.map(() => [400, 'Error: import from somelib failed. Module not found.']),
    );
  });

  test('UT "async test for V1 transformation code": test mode returns the events and the captured logs', async () => {
    const code = `
        import url from 'url';
        async function foo() {
          return 'resolved';
        }
        export async function transformEvent(event, metadata) {
            const pr = await foo();
            log('Transformation test');
            if(event.properties && event.properties.url){
              const x = new url.URLSearchParams(event.properties.url).get("client");
            }
            event.promise = pr;
            return event;
          }
      `;
    const run = await runner.run({ code, libraries: urlLib, inputs: asInputs(input) });
    assert.deepEqual({ transformedEvents: testModeView(run.transformedEvents), logs: run.logs }, transformerData('code_test_output'));
  });

  test('UT "Test for timeout for v1 transformEvent" / "transformBatch": a busy loop ends the call', async () => {
    const eventLoop = `
      export function transformEvent(event) {
          while(true){

          }
          return event;
          }
          `;
    const batchLoop = `

      export function transformBatch(events) {
          while(true){

          }
          return events;
          }
          `;
    for (const code of [eventLoop, batchLoop]) {
      const run = await runner.run({ code, inputs: asInputs(input), limits: { timeoutMs: 300 } });
      assert.equal(run.error, 'Error: Script execution timed out.');
    }
  });
});

describe('rudder-transformer credentials (UT "UserTransformation With Credentials for code version 1")', () => {
  const credInput = transformerData<Envelope[]>('input_credentials');
  const credentials = Object.fromEntries(credInput[0].credentials!.map((c) => [c.key, c.value]));
  const withCode = (code: string, creds: Record<string, unknown> | null = credentials) =>
    runner.run({ code, credentials: creds ?? undefined, inputs: asInputs(credInput) });
  const first = (run: Awaited<ReturnType<typeof withCode>>) => run.transformedEvents[0] as Record<string, any>;

  test('"successfully executes transformation with credential lookup with valid key"', async () => {
    const run = await withCode(`
          export function transformEvent(event, metadata) {
              event.credentialValue = getCredential('key1');
              return event;
            }
            `);
    assert.equal(first(run).transformedEvent.credentialValue, 'value1');
  });

  test('"throws TypeError if the key provided for credential lookup is null or undefined"', async () => {
    const run = await withCode(`
          export function transformEvent(event, metadata) {
              event.credentialValue = getCredential();
              return event;
            }
            `);
    assert.match(first(run).error, /Key should be valid and defined/);
    const batch = await withCode(`
            export function transformBatch(events, metadata) {
              events.forEach((event) => {
                event.credentialValue = getCredential();
              });
              return events;
            }
            `);
    assert.match(first(batch).error, /Key should be valid and defined/);
  });

  test('"performs lookup with first key passed", "valid key of any type", "key doesn\'t match"', async () => {
    const run = await withCode(`
          export function transformEvent(event, metadata) {
              event.credentialValue = getCredential('key1', 'key2');
              event.credentialValueForNumkey = getCredential(1);
              event.credentialValueForBoolkey = getCredential(true);
              event.credentialValueForArraykey = getCredential([]);
              event.credentialValueForObjkey = getCredential({});
              event.missing = getCredential('key3');
              return event;
            }
            `);
    const out = first(run).transformedEvent;
    assert.equal(out.credentialValue, 'value1');
    for (const k of ['credentialValueForNumkey', 'credentialValueForBoolkey', 'credentialValueForArraykey', 'credentialValueForObjkey', 'missing']) {
      assert.equal(out[k], undefined, k);
    }
  });

  test('"returns undefined when the credentials are not passed in the request"', async () => {
    const run = await withCode(
      `
          export function transformEvent(event, metadata) {
              event.credentialValue = getCredential('key1');
              return event;
            }
            `,
      null,
    );
    assert.equal(first(run).transformedEvent.credentialValue, undefined);
  });

  test('Batch: "successfully executes transformation with credential lookup with valid key"', async () => {
    const run = await withCode(`
            export function transformBatch(events, metadata) {
              events.forEach((event) => {
                event.credentialValue1 = getCredential("key1");
                event.credentialValue2 = getCredential("key3");
              });
              return events;
            }
            `);
    assert.equal(first(run).transformedEvent.credentialValue1, 'value1');
    assert.equal(first(run).transformedEvent.credentialValue2, undefined);
  });
});

describe('rudder-transformer geolocation (UT "Geolocation function"), offline', () => {
  const code = `
      export async function transformEvent(event, metadata) {
        try {
          event.context.geo = await geolocation(event.request_ip);
        } catch (err) {
          event.context.geoerror = err.message;
        }
        return event;
      }`;
  const withIp = (ip: string) => asInputs(input).map((i) => ({ message: { ...i.message, request_ip: ip } }));
  const geoResp = { country: 'US', region: 'CA', city: 'San Francisco' };
  const ctx = (run: Awaited<ReturnType<TransformationRunner['run']>>) =>
    (run.transformedEvents[0] as unknown as { transformedEvent: { context: Record<string, unknown> } }).transformedEvent.context;

  test('"Should throw error if GEOLOCATION_URL is not set": no fixture is the unconfigured service', async () => {
    assert.equal(ctx(await runner.run({ code, inputs: withIp('1.1.1.1') })).geoerror, 'geolocation is not available right now');
  });
  test('"Should throw error when geo request fails with invalid arg"', async () => {
    assert.equal(ctx(await runner.run({ code, inputs: withIp('invalid') })).geoerror, 'invalid ip address');
  });
  test('"Should enrich context when geo request succeedes": answered from a fixture', async () => {
    const run = await runner.run({ code, inputs: withIp('1.1.1.1'), fixtures: { geolocation: { '1.1.1.1': geoResp } } });
    assert.deepEqual(ctx(run).geo, geoResp);
  });
});

describe('rudder-transformer fetchV2 (UT "async fetchV2 test for V1 transformation - transformEvent"), offline', () => {
  test('a fixture answers with url, status, headers and the parsed body; anything else rejects', async () => {
    const code = `
      export async function transformEvent(event, metadata) {
          try{
            const res = await fetchV2('https://api.rudderlabs.com/dummyUrl');
            return res;
          } catch (err) {
            return err;
          }
        }
          `;
    const url = 'https://api.rudderlabs.com/dummyUrl';
    const fixtures = { fetch: { [url]: { type: 'json' } } };
    const hit = await runner.run({ code, inputs: asInputs(input).slice(0, 1), fixtures });
    const answer = (hit.transformedEvents[0] as { transformedEvent: Record<string, unknown> }).transformedEvent;
    assert.deepEqual(answer.body, { type: 'json' });
    assert.equal(answer.status, 200);
    assert.equal(answer.url, url);
    const miss = await runner.run({ code, inputs: asInputs(input).slice(0, 1) });
    const err = (miss.transformedEvents[0] as { transformedEvent: Record<string, unknown> }).transformedEvent;
    assert.match(String(err.message), /^request to https:\/\/api\.rudderlabs\.com\/dummyUrl failed, reason: network access is off/);
  });

  test('fetch resolves "ERROR" when it cannot answer, as hosted', async () => {
    const code = `export async function transformEvent(event) { event.got = await fetch('https://example.com/x'); return event; }`;
    const run = await runner.run({ code, inputs: asInputs(input).slice(0, 1) });
    assert.equal((run.transformedEvents[0] as unknown as { transformedEvent: { got: unknown } }).transformedEvent.got, 'ERROR');
  });
});

describe('rudder-transformer user_transformation_errors.test.js (UTE): error texts trimmed to the user frames', () => {
  const events = [{ message: { messageId: 'msg1', event: 'event-1' } }, { message: { messageId: 'msg2', event: 'event-2' } }];
  const errorsOf = async (code: string, libraries: Array<{ importName: string; code: string }> = [], name?: string) => {
    const run = await runner.run({ code, libraries, inputs: events, name });
    return run.transformedEvents.map((e) => ('error' in e ? e.error : 'no error'));
  };
  const jsLib1Event = `
              export function add(x, y) {
                return x + z2;
              }
            `;
  const jsLib2 = `
              export function add(x, y) {
                throw new Error('Manual Error');
                return x + y;
              }
            `;

  test('transformEvent: semantic error in base transformation', async () => {
    const errors = await errorsOf('export function transformEvent(event, metadata) {\n return events; \n}');
    assert.deepEqual(errors, Array(2).fill('ReferenceError: events is not defined\n    at transformEvent (base transformation:2:2)'));
  });
  test('transformEvent: manually thrown error in base transformation', async () => {
    const errors = await errorsOf("export function transformEvent(event, metadata) {\n throw new Error('Manual Error'); return event; \n}");
    assert.deepEqual(errors, Array(2).fill('Error: Manual Error\n    at transformEvent (base transformation:2:8)'));
  });
  test('transformEvent: semantic error in user library', async () => {
    const errors = await errorsOf(
      "import {add} from 'jsLib1';\nexport function transformEvent(event, metadata) {\n event['result'] = add(1, 2); return event; \n}",
      [{ importName: 'jsLib1', code: jsLib1Event }],
    );
    assert.deepEqual(
      errors,
      Array(2).fill('ReferenceError: z2 is not defined\n    at add (library jsLib1:3:28)\n    at transformEvent (base transformation:3:20)'),
    );
  });
  test('transformEvent: manually thrown error in user library', async () => {
    const errors = await errorsOf(
      "import {add} from 'jsLib2';\nexport function transformEvent(event, metadata) {\n event['result'] = add(1, 2); return event; \n}",
      [{ importName: 'jsLib2', code: jsLib2 }],
    );
    assert.deepEqual(
      errors,
      Array(2).fill('Error: Manual Error\n    at add (library jsLib2:3:23)\n    at transformEvent (base transformation:3:20)'),
    );
  });
  test('transformBatch: semantic error in base transformation (one error for the batch)', async () => {
    const errors = await errorsOf("export function transformBatch(events, metadata) {\n return events.map(e => { e['id'] = x; return e; }); \n}");
    assert.deepEqual(errors, [
      'ReferenceError: x is not defined\n    at base transformation:2:37\n    at Array.map (<anonymous>)\n    at transformBatch (base transformation:2:16)',
    ]);
  });
  test('transformBatch: manually thrown error in base transformation', async () => {
    const errors = await errorsOf("export function transformBatch(events, metadata) {\n throw new Error('Manual Error'); return events; \n}");
    assert.deepEqual(errors, ['Error: Manual Error\n    at transformBatch (base transformation:2:8)']);
  });
  test('transformBatch: semantic error in user library', async () => {
    const lib = `
              export function add(x, y) {
                return x + y + z;
              }
            `;
    const errors = await errorsOf(
      "import {add} from 'jsLib1';\nexport function transformBatch(events, metadata) {\n events[0] = add(1, 5); return events; \n}",
      [{ importName: 'jsLib1', code: lib }],
    );
    assert.deepEqual(errors, [
      'ReferenceError: z is not defined\n    at add (library jsLib1:3:32)\n    at transformBatch (base transformation:3:14)',
    ]);
  });
  test('transformBatch: manually thrown error in user library, named transformation', async () => {
    const lib = `
              export function add(x, y) {
                throw new Error('Manual Error 2');
                return x + y;
              }
            `;
    const errors = await errorsOf(
      "import {add} from 'jsLib2';\nexport function transformBatch(events, metadata) {\n add(1, 2); return events; \n}",
      [{ importName: 'jsLib2', code: lib }],
      'test-transformation',
    );
    assert.deepEqual(errors, ['Error: Manual Error 2\n    at add (library jsLib2:3:23)\n    at transformBatch (test-transformation:3:2)']);
  });
});

describe('UT "with rudder library urlParser": a RudderStack library is imported by its @rs/ import name', () => {
  test('@rs/urlParser/v1 given as a library runs like the hosted one', async () => {
    const code = ASYNC_URL_EVENT.replace("from 'url'", "from '@rs/urlParser/v1'");
    const run = await runner.run({
      code,
      libraries: [{ importName: '@rs/urlParser/v1', code: URL_LIBRARY }],
      inputs: asInputs(transformerData('input_large')),
    });
    assert.deepEqual(run.transformedEvents, transformerData('async_output_large'));
  });
});
