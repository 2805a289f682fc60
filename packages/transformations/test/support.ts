import { readFileSync } from 'node:fs';
import type { RudderMessage, TransformedEvent } from '../dist/index.js';

const here = new URL('./fixtures/', import.meta.url);

export const fixture = <T = unknown>(path: string): T => JSON.parse(readFileSync(new URL(path, here), 'utf8')) as T;

/** rudder-transformer's data files: envelopes of `{ message, destination, credentials? }`. */
export type Envelope = { message: RudderMessage; credentials?: Array<{ key: string; value: unknown }> };
export const transformerData = <T = unknown>(name: string): T => fixture<T>(`rudder-transformer/user_transformation_${name}.json`);

/** The envelopes as the processor hands them over: message and (absent) metadata, nothing else. */
export const asInputs = (envelopes: Envelope[]) => envelopes.map((e) => ({ message: e.message }));

/** What the hosted handler's test mode answers: the output event, or `{ error }`. */
export const testModeView = (events: TransformedEvent[]) => events.map((e) => ('error' in e ? { error: e.error } : e.transformedEvent));

/**
 * A stand-in for the hosted `url` library (a URLSearchParams bundle), written here: it parses a
 * query string and answers get(), all the corpus cases use.
 */
export const URL_LIBRARY = `
class URLSearchParams {
  constructor(query) {
    this.pairs = [];
    for (const part of String(query).replace(/^\\?/, '').split('&')) {
      if (!part) continue;
      const at = part.indexOf('=');
      const decode = (s) => decodeURIComponent(s.replace(/\\+/g, ' '));
      this.pairs.push(at < 0 ? [decode(part), ''] : [decode(part.slice(0, at)), decode(part.slice(at + 1))]);
    }
  }
  get(name) {
    const hit = this.pairs.find((p) => p[0] === name);
    return hit ? hit[1] : null;
  }
}
export default { URLSearchParams };
`;

/** A stand-in for the hosted `lodash` library's max and min. */
export const LODASH_LIBRARY = `
export function max(values) { return values.reduce((a, b) => (b > a ? b : a)); }
export function min(values) { return values.reduce((a, b) => (b < a ? b : a)); }
`;
