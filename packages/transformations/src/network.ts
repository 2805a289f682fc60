import { isIP } from 'node:net';
import { FETCH_FAILED, GEOLOCATION_INVALID_IP, GEOLOCATION_IP_REQUIRED, GEOLOCATION_UNAVAILABLE } from './hosted.js';
import type { NetworkFixtures } from './types.js';

/** How a sandbox helper settles: resolve or reject with a JSON-able value. */
export interface Settled {
  ok: boolean;
  value?: unknown;
}

const refused = (url: string) => ({
  // node-fetch's FetchError shape, which the hosted fetchV2 rejects with (message, type, code).
  message: `request to ${url} failed, reason: network access is off (offline run; allow it explicitly to reach the network)`,
  type: 'system',
  errno: 'ENETUNREACH',
  code: 'ENETUNREACH',
});

interface FixtureAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const isAnswer = (v: unknown): v is FixtureAnswer =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'body' in v && ('status' in v || 'headers' in v);

/**
 * The sandbox's network helpers, offline by default: answers come from `fixtures`; anything else
 * fails the way the hosted helper fails when its request fails (fetch resolves "ERROR", fetchV2 and
 * geolocation reject). With `allowNetwork`, fetch and fetchV2 use the platform's fetch.
 */
export function networkHelpers(fixtures: NetworkFixtures, allowNetwork: boolean) {
  const fetchFixture = (url: string): FixtureAnswer | undefined => {
    const hit = fixtures.fetch?.[url];
    if (hit === undefined) return undefined;
    return isAnswer(hit) ? hit : { status: 200, headers: { 'content-type': 'application/json' }, body: hit };
  };

  async function live(url: string, init: unknown): Promise<FixtureAnswer & { url: string }> {
    const res = await fetch(url, (init ?? undefined) as RequestInit | undefined);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => (headers[key] = value));
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // hosted: a body that is not JSON stays text
    }
    return { url: res.url, status: res.status, headers, body };
  }

  async function answer(url: string, init: unknown): Promise<(FixtureAnswer & { url: string }) | undefined> {
    const fixture = fetchFixture(url);
    if (fixture) return { url, status: fixture.status ?? 200, headers: fixture.headers ?? {}, body: fixture.body };
    if (!allowNetwork) return undefined;
    return live(url, init);
  }

  return {
    async fetch([url, init]: unknown[]): Promise<Settled> {
      try {
        const got = await answer(String(url), init);
        // hosted fetch: res.json(); any failure (including a non-JSON body) resolves "ERROR"
        if (!got || typeof got.body === 'string') return { ok: true, value: FETCH_FAILED };
        return { ok: true, value: got.body };
      } catch {
        return { ok: true, value: FETCH_FAILED };
      }
    },
    async fetchV2([url, init]: unknown[]): Promise<Settled> {
      try {
        const got = await answer(String(url), init);
        if (!got) return { ok: false, value: refused(String(url)) };
        return { ok: true, value: got };
      } catch (err) {
        const e = err as Error & { code?: string };
        return { ok: false, value: { message: e.message, name: e.name, code: e.code } };
      }
    },
    async geolocation([ip]: unknown[]): Promise<Settled> {
      if (!ip) return { ok: false, value: { message: GEOLOCATION_IP_REQUIRED } };
      if (typeof ip !== 'string' || isIP(ip) === 0) return { ok: false, value: { message: GEOLOCATION_INVALID_IP } };
      const hit = fixtures.geolocation?.[ip];
      if (hit === undefined) return { ok: false, value: { message: GEOLOCATION_UNAVAILABLE } };
      return { ok: true, value: hit };
    },
  };
}
