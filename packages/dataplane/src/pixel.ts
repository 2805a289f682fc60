/**
 * `GET /pixel/v1/track|page`: an event spelled in the query string, as rudder-server's pixel handlers
 * read it (gateway/handle_http_pixel.go). The answer is always the 1×1 GIF, whatever became of the event.
 */

/** The transparent 1×1 GIF the gateway answers every pixel request with (gateway/response/response.go). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

export type PixelType = 'track' | 'page';
export type PixelResult = { ok: true; writeKey: string; body: Record<string, unknown> } | { ok: false; reason: string };

type Obj = Record<string, unknown>;

/** Splits an sjson-style path: `.` separates levels, `\.` is a literal dot. */
function pathOf(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '\\' && i + 1 < key.length) cur += key[++i];
    else if (key[i] === '.') {
      parts.push(cur);
      cur = '';
    } else cur += key[i];
  }
  parts.push(cur);
  return parts;
}

function setPath(target: Obj, key: string, value: string): void {
  const path = pathOf(key);
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    // Null-prototype levels: a parameter named `__proto__.x` must create a key, never reach a prototype.
    if (typeof next !== 'object' || next === null)
      Object.defineProperty(node, part, { value: Object.create(null), enumerable: true, writable: true, configurable: true });
    node = node[part] as Obj;
  }
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The event body a pixel request stands for: `channel: web`, `integrations.All`, both timestamps set to
 * now, then every query parameter but `writeKey` (the first value of each; dotted names nest), then `type`.
 * A page without a name is `Unknown Page`; a track with an empty `event` is dropped, as the gateway does.
 */
export function pixelEvent(params: URLSearchParams, type: PixelType, now: string): PixelResult {
  const writeKey = params.get('writeKey');
  if (writeKey === null) return { ok: false, reason: 'failed to read writekey from query params' };
  const body: Obj = Object.create(null);
  Object.assign(body, { channel: 'web', integrations: { All: true }, originalTimestamp: now, sentAt: now });
  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (key === 'writeKey' || seen.has(key)) continue;
    seen.add(key);
    // The gateway strips one pair of quotes around the anonymousId (the way some tag managers send it).
    const value = key === 'anonymousId' ? raw.replace(/^"(.*)"$/s, '$1') : raw;
    setPath(body, key, value);
  }
  body.type = type;
  if (type === 'page' && body.name === '') body.name = 'Unknown Page';
  if (type === 'track' && seen.has('event') && params.get('event') === '') {
    return { ok: false, reason: "track: Mandatory field 'event' missing" };
  }
  return { ok: true, writeKey, body };
}
