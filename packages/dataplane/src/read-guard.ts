import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who may read stored events (`/api/*`, `/live`). Two locks:
 * - the `Host` header must be a loopback name or one the user allowed, so a page that rebinds its own
 *   domain name to 127.0.0.1 (DNS rebinding) cannot read through the victim's browser;
 * - when there is a read token (given, or made because the data plane listens beyond loopback), every
 *   read must show it (`Authorization: Bearer`, `?token=`, or the cookie `/live?token=` sets): loopback
 *   peers too, since tunnels and reverse proxies connect from loopback.
 * And one rule for browsers: a request another site's page makes (`Sec-Fetch-Site: cross-site` or
 * `same-site`, or an `Origin` that is not the data plane's own) is refused before any query runs, so a
 * page cannot even time how long a filtered read takes.
 */
export interface ReadGuard {
  /** Extra Host names (lowercase, no port) answered besides the loopback ones. */
  allowedHosts: ReadonlySet<string>;
  /**
   * Whether any IP address is a valid Host: true when bound beyond loopback, so other machines can use the
   * address they reach it by. An address cannot be rebound the way a domain name can.
   */
  ipHosts: boolean;
  /** Required from every reader when set; undefined = no token. */
  token?: string;
  /** The cookie that carries the token for the live page's own requests (named after the port once bound). */
  cookieName: string;
}

export type GuardResult = { ok: true; setCookie?: string } | { ok: false; status: number; message: string };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The host name of a `Host` header, lowercase, without its port; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    return rest === '' || /^:\d*$/.test(rest) ? h.slice(0, end + 1) : undefined;
  }
  const m = /^([^:]+)(?::\d*)?$/.exec(h);
  return m ? m[1].replace(/\.$/, '') : undefined;
}

/** Whether an interface address (what the server binds) is reachable from this machine only. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost' || a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The guard for a data plane bound to `host`: a random token unless bound to loopback or opted out. */
export function createReadGuard(opts: { host: string; allowedHosts?: readonly string[]; readToken?: string | false }): ReadGuard {
  const allowedHosts = new Set((opts.allowedHosts ?? []).map((h) => hostName(h) ?? h.toLowerCase()));
  const remote = !isLoopbackAddress(opts.host);
  let token: string | undefined;
  if (typeof opts.readToken === 'string') {
    // An empty token would read as "no token" in one place and "this token" in another: refuse it outright.
    if (opts.readToken.trim() === '')
      throw new Error('the read token must not be empty: give one, or turn it off (readToken: false, --no-read-token)');
    token = opts.readToken;
  } else if (opts.readToken !== false && remote) token = randomBytes(18).toString('base64url');
  return { allowedHosts, ipHosts: remote, token, cookieName: 'rudder_read' };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** What {@link checkRead} looks at in a request. */
export interface ReadRequest {
  host?: string;
  authorization?: string;
  cookie?: string;
  /** The `token` query parameter, if any. */
  queryToken?: string;
  /**
   * Whether this is a browser opening the live page itself (a top-level navigation, which no page can read
   * or time): a link to it from another site still works.
   */
  livePageVisit?: boolean;
  /** The `Sec-Fetch-Site` header a browser sends, if any. */
  fetchSite?: string;
  /** The `Origin` header, if any. */
  origin?: string;
}

/** Whether a browser says another site's page made the request (headers a page's script cannot forge). */
function fromAnotherSite(req: ReadRequest, host: string | undefined): boolean {
  if (req.livePageVisit) return false;
  const site = req.fetchSite?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return true;
  if (req.origin === undefined) return false;
  try {
    return new URL(req.origin).host !== (host ?? '').trim().toLowerCase();
  } catch {
    // `null` (a sandboxed frame, a file) and anything unparsable are foreign too.
    return true;
  }
}

/** Decides one read request. The answer never repeats the token or the Host header. */
export function checkRead(guard: ReadGuard, req: ReadRequest): GuardResult {
  const name = hostName(req.host);
  const isAddress = name !== undefined && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  if (name === undefined || !(LOOPBACK_NAMES.has(name) || guard.allowedHosts.has(name) || (guard.ipHosts && isAddress))) {
    return { ok: false, status: 403, message: 'host not allowed: start the data plane with --allowed-host <name> to read through it' };
  }
  if (fromAnotherSite(req, req.host)) {
    return { ok: false, status: 403, message: "cross-site read refused: stored events are readable from the data plane's own pages only" };
  }
  if (guard.token === undefined) return { ok: true };
  const auth = req.authorization ?? '';
  const bearer = auth.slice(0, 7).toLowerCase() === 'bearer ' ? auth.slice(7).trim() : undefined;
  const query = req.queryToken;
  const cookie = cookieValue(req.cookie, guard.cookieName);
  for (const candidate of [bearer, query, cookie]) {
    if (candidate !== undefined && sameSecret(candidate, guard.token)) {
      // The live page's own fetch and EventSource cannot add a header; the cookie carries the token for them.
      const setCookie = candidate === query ? `${guard.cookieName}=${guard.token}; HttpOnly; SameSite=Strict; Path=/` : undefined;
      return { ok: true, setCookie };
    }
  }
  return { ok: false, status: 401, message: 'a read token is required: use the one the data plane printed at startup' };
}
