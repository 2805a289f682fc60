// The read-side rules as pure functions: Host names (DNS rebinding) and the token for remote peers.
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

test('Host: loopback names and allowed names pass, anything else is 403', () => {
  const guard = createReadGuard({ host: '127.0.0.1', allowedHosts: ['Dev.Example.test:9999'] });
  for (const host of ['localhost:1', '127.0.0.1', '[::1]:8080', 'dev.example.test']) {
    assert.deepEqual(checkRead(guard, { host, peer: '127.0.0.1' }), { ok: true }, host);
  }
  for (const host of [undefined, 'evil.test', 'localhost.evil.test', '127.0.0.2', 'example.test']) {
    const r = checkRead(guard, { host, peer: '127.0.0.1' });
    assert.equal(r.ok ? 0 : r.status, 403, String(host));
  }
});

test('the token is needed from remote peers only, by header, query or cookie', () => {
  const guard = { ...createReadGuard({ host: '0.0.0.0', readToken: 'tok-123' }), cookieName: 'rudder_read_8080' };
  const remote = { host: 'localhost', peer: '192.168.1.7' };
  assert.deepEqual(checkRead(guard, { ...remote, peer: '::ffff:127.0.0.1' }), { ok: true }, 'this machine needs none');
  const refused = checkRead(guard, remote);
  assert.equal(refused.ok ? 0 : refused.status, 401);
  assert.ok(!JSON.stringify(refused).includes('tok-123'));
  assert.equal(checkRead(guard, { ...remote, authorization: 'Bearer wrong' }).ok, false);
  assert.equal(checkRead(guard, { ...remote, queryToken: 'tok-1234' }).ok, false);
  assert.deepEqual(checkRead(guard, { ...remote, authorization: 'bearer tok-123' }), { ok: true, setCookie: undefined });
  assert.deepEqual(checkRead(guard, { ...remote, cookie: 'a=b; rudder_read_8080=tok-123' }), { ok: true, setCookie: undefined });
  const viaQuery = checkRead(guard, { ...remote, queryToken: 'tok-123' });
  assert.ok(viaQuery.ok);
  assert.equal(viaQuery.setCookie, 'rudder_read_8080=tok-123; HttpOnly; SameSite=Strict; Path=/');
  const foreign = checkRead(guard, { ...remote, host: 'evil.test', authorization: 'Bearer tok-123' });
  assert.equal(foreign.ok ? 0 : foreign.status, 403, 'the token does not lift the Host rule');
});

test('bound beyond loopback, the addresses other machines use are valid Hosts; names still are not', () => {
  const lan = { ...createReadGuard({ host: '0.0.0.0', readToken: 'tok' }), cookieName: 'c' };
  for (const host of ['192.168.1.5:8080', '[fe80::1]:8080', '10.0.0.2']) {
    assert.deepEqual(checkRead(lan, { host, peer: '192.168.1.7', authorization: 'Bearer tok' }), { ok: true, setCookie: undefined }, host);
  }
  const named = checkRead(lan, { host: 'rebind.evil.test', peer: '127.0.0.1' });
  assert.equal(named.ok ? 0 : named.status, 403);
  const local = createReadGuard({ host: '127.0.0.1' });
  const address = checkRead(local, { host: '192.168.1.5', peer: '127.0.0.1' });
  assert.equal(address.ok ? 0 : address.status, 403, 'on loopback only the loopback names');
});
