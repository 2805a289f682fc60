/**
 * The SDK refuses an event exactly when the gateway would: its id rule must agree with the local data
 * plane's, which follows rudder-server's code, for every Unicode code point.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanId as gatewayCleanId } from '@rudderanalytics/dataplane';
import { cleanId, isPresentId } from '../src/ids.js';

test('SDK and gateway agree on which ids are blank, code point by code point', () => {
  const disagreements: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates cannot travel in JSON text
    const text = String.fromCodePoint(cp);
    const sdk = isPresentId(text);
    const gateway = gatewayCleanId(text) !== '';
    if (sdk !== gateway && disagreements.push(`U+${cp.toString(16).toUpperCase()}`) > 20) break;
  }
  assert.deepEqual(disagreements, []);
});

test('SDK and gateway clean ids the same way', () => {
  for (const value of [' u1 ', 'a\u200Bb', '\u00A0x\u00A0', 456, 0, 'tab\there', 'e\u0301', '\u3164id']) {
    assert.equal(cleanId(value), gatewayCleanId(value), JSON.stringify(value));
  }
});
