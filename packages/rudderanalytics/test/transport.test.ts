/**
 * The default transport on Node: requests share one kept-alive connection, and close() lets go of it;
 * a caller's fetch, when given, carries every request instead.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { testClient } from './support/client.js';

/** A real server on 127.0.0.1 that answers 200 and records its connections and requests. */
async function countingServer(t: { after(fn: () => unknown): void }) {
  const sockets: Socket[] = [];
  const closed = new Set<Socket>();
  const closedWaiters: Array<() => void> = [];
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  // The server would close an idle connection itself after its keepAliveTimeout (5 s by default): far
  // later than any wait below, so a connection that closes was closed by the client.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket: Socket) => {
    sockets.push(socket);
    socket.on('close', () => {
      closed.add(socket);
      if (closed.size === sockets.length) for (const wake of closedWaiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    get connections() {
      return sockets.length;
    },
    /** Resolves when every connection the server has seen is closed; rejects after `ms`. */
    allClosed(ms: number) {
      return new Promise<void>((resolve, reject) => {
        if (sockets.length > 0 && closed.size === sockets.length) return resolve();
        const timer = setTimeout(() => reject(new Error(`${sockets.length - closed.size} connection(s) still open after ${ms} ms`)), ms);
        closedWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

test('requests in sequence share one kept-alive connection, and close() lets go of it', async (t) => {
  const server = await countingServer(t);
  const { client } = testClient(server.url, { flushAt: 1, maxInFlight: 1 });
  for (let i = 0; i < 3; i++) {
    client.track({ userId: 'u1', event: `E${i}` });
    await client.flush();
  }
  assert.equal(server.requests, 3);
  assert.equal(server.connections, 1, 'one connection for three requests');
  await client.close();
  // Nothing of the client keeps the socket open once it is closed.
  await server.allClosed(30_000);
});

test("a caller's fetch carries every request", async (t) => {
  const server = await countingServer(t);
  let calls = 0;
  const counted: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const { client } = testClient(server.url, { flushAt: 1, maxInFlight: 1, fetch: counted });
  client.track({ userId: 'u1', event: 'A' });
  client.track({ userId: 'u1', event: 'B' });
  await client.close();
  assert.equal(server.requests, 2);
  assert.equal(calls, 2);
});
