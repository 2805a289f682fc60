/**
 * A loopback port that was free a moment ago, for a server that is told its port rather than choosing
 * one (redis-server, postgres), or for a URL where nothing listens. The port is released before this
 * resolves, so another process could take it first; the servers that use it fail loudly if so.
 */
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
