// The read-side rules as pure functions: Host names (DNS rebinding), the read token, and other sites' pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRead, createReadGuard, hostName, isLoopbackAddress } from '../src/read-guard.js';

test('hostName drops the port, lowercases, and refuses malformed values', () => {
  assert.equal(hostName('LocalHost:8080'), 'localhost');
  assert.equal(hostName('[::1]:8080'), '[::1]');
  assert.equal(hostName('[::1]'), '[::1]');
  assert.equal(hostName('example.test.'), 'example.test');
  for (const bad of [undefined, '', '[::1', '[::1]x', 'a:b:c', 'host:port']) assert.equal(hostName(bad), undefined, String(bad));
});

test('loopback interfaces: 127/8, ::1, localhost; not 0.0.0.0 or a LAN address', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(a), a);
  for (const a of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', '::ffff:10.0.0.1', 'example.test']) assert.ok(!isLoopbackAddress(a), a);
});

test('a token is generated when bound beyond loopback, unless given or turned off', () => {
  assert.equal(createReadGuard({ host: '127.0.0.1' }).token, undefined);
  const lan = createReadGuard({ host: '0.0.0.0' }).token;
  assert.match(lan ?? '', /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(createReadGuard({ host: '0.0.0.0' }).token, lan);
  assert.equal(createReadGuard({ host: '0.0.0.0', readToken: false }).token, undefined);
  assert.equal(createReadGuard({ host: '127.0.0.1', readToken: 'chosen' }).token, 'chosen');
});

/** Spellings of this machine that are the three loopback names, whatever the case, port or final dot. */
const LOOPBACK_SPELLINGS = [
  'localhost',
  'LOCALHOST',
  'LocalHost:8080',
  'localhost:1',
  'localhost:',
  'localhost.',
  'Localhost.:8080',
  '127.0.0.1',
  '127.0.0.1:65535',
  '127.0.0.1.',
  '[::1]',
  '[::1]:8080',
  '[::1]:',
];

/**
 * Every other way to write an address or name that reaches this machine (or any), which a browser can be
 * made to send (hand-written, or before its URL parser canonicalizes them): none of them is a loopback name
 * of this data plane, so each is 403 unless allowed by name.
 */
const OTHER_SPELLINGS = [
  '0.0.0.0',
  '0.0.0.0:8080',
  '0',
  '[::]',
  '[::]:8080',
  '[0:0:0:0:0:0:0:1]',
  '[0:0:0:0:0:0:0:1]:8080',
  '[0000::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::1%25lo]',
  '::1',
  '127.1',
  '127.0.1',
  '2130706433',
  '0x7f000001',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '017700000001',
  '127.0.0.2',
  '127.255.255.255',
  '[::2]',
  'localhost..',
  '.localhost',
  'foo.localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'localhost:abc',
  'localhost:8080:1',
  '127.0.0.1:8080:1',
  'evil.test',
  'localhost.evil.test',
  '127.0.0.1.evil.test',
  'example.test',
];

test('Host: the loopback names in any spelling and the allowed names pass', () => {
  const guard = createReadGuard({ host: '127.0.0.1', allowedHosts: ['Dev.Example.test:9999'] });
  for (const host of [...LOOPBACK_SPELLINGS, 'dev.example.test', 'DEV.example.test.:1']) {
    assert.deepEqual(checkRead(guard, { host }), { ok: true }, host);
  }
});

test('Host: every other spelling of an address or name is 403, however it reaches this machine', () => {
  const guard = createReadGuard({ host: '127.0.0.1', allowedHosts: ['Dev.Example.test:9999'] });
  for (const host of [undefined, '', ...OTHER_SPELLINGS]) {
    const r = checkRead(guard, { host });
    assert.equal(r.ok ? 0 : r.status, 403, String(host));
  }
});

test('an empty read token is refused, never read as "no token"', () => {
  for (const readToken of ['', '  ']) {
    assert.throws(() => createReadGuard({ host: '127.0.0.1', readToken }), /read token must not be empty/);
  }
});

test('a token, once there is one, is needed from every reader (a tunnel or proxy connects from loopback), by header, query or cookie', () => {
  const guard = { ...createReadGuard({ host: '127.0.0.1', readToken: 'tok-123', allowedHosts: ['tunnel.example'] }), cookieName: 'rudder_read_8080' };
  const reader = { host: 'tunnel.example' };
  for (const host of ['localhost', 'tunnel.example']) {
    const refused = checkRead(guard, { host });
    assert.equal(refused.ok ? 0 : refused.status, 401, host);
    assert.ok(!JSON.stringify(refused).includes('tok-123'));
  }
  assert.equal(checkRead(guard, { ...reader, authorization: 'Bearer wrong' }).ok, false);
  assert.equal(checkRead(guard, { ...reader, queryToken: 'wrong' }).ok, false);
  assert.equal(checkRead(guard, { ...reader, queryToken: 'tok-1234' }).ok, false);
  assert.equal(checkRead(guard, { ...reader, queryToken: '' }).ok, false);
  assert.deepEqual(checkRead(guard, { ...reader, authorization: 'bearer tok-123' }), { ok: true, setCookie: undefined });
  assert.deepEqual(checkRead(guard, { ...reader, cookie: 'a=b; rudder_read_8080=tok-123' }), { ok: true, setCookie: undefined });
  const viaQuery = checkRead(guard, { ...reader, queryToken: 'tok-123' });
  assert.ok(viaQuery.ok);
  assert.equal(viaQuery.setCookie, 'rudder_read_8080=tok-123; HttpOnly; SameSite=Strict; Path=/');
  const foreign = checkRead(guard, { host: 'evil.test', authorization: 'Bearer tok-123' });
  assert.equal(foreign.ok ? 0 : foreign.status, 403, 'the token does not lift the Host rule');
});

test("another site's page is refused before anything else: Sec-Fetch-Site or a foreign Origin", () => {
  const guard = createReadGuard({ host: '127.0.0.1' });
  for (const req of [
    { host: 'localhost:8080', fetchSite: 'cross-site' },
    { host: 'localhost:8080', fetchSite: 'same-site' },
    { host: 'localhost:8080', origin: 'http://evil.test' },
    { host: 'localhost:8080', origin: 'http://localhost:3000' },
    { host: 'localhost:8080', origin: 'null' },
    { host: 'localhost:8080', origin: 'garbage' },
  ]) {
    const r = checkRead(guard, req);
    assert.equal(r.ok ? 0 : r.status, 403, JSON.stringify(req));
  }
  for (const req of [
    { host: 'localhost:8080' },
    { host: 'localhost:8080', fetchSite: 'same-origin', origin: 'http://localhost:8080' },
    { host: 'localhost:8080', fetchSite: 'none' },
    // Following a link to the live page from anywhere opens it (a navigation: nothing to read or time).
    { host: 'localhost:8080', fetchSite: 'cross-site', livePageVisit: true },
  ]) {
    assert.deepEqual(checkRead(guard, req), { ok: true }, JSON.stringify(req));
  }
});

test('bound beyond loopback, the addresses other machines use are valid Hosts; names still are not', () => {
  const lan = { ...createReadGuard({ host: '0.0.0.0', readToken: 'tok' }), cookieName: 'c' };
  for (const host of ['192.168.1.5:8080', '[fe80::1]:8080', '10.0.0.2']) {
    assert.deepEqual(checkRead(lan, { host, authorization: 'Bearer tok' }), { ok: true, setCookie: undefined }, host);
  }
  const named = checkRead(lan, { host: 'rebind.evil.test' });
  assert.equal(named.ok ? 0 : named.status, 403);
  const local = createReadGuard({ host: '127.0.0.1' });
  const address = checkRead(local, { host: '192.168.1.5' });
  assert.equal(address.ok ? 0 : address.status, 403, 'on loopback only the loopback names');
});
