import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Knows which sockets are in the middle of a request. Node's closeIdleConnections() skips sockets that
 * never sent a request (clients pre-open them), which would hold close() until a timeout.
 */
export function trackConnections(server: Server): { closeIdle(): void } {
  const busy = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('request', (req, res) => {
    const s = req.socket;
    busy.set(s, (busy.get(s) ?? 0) + 1);
    res.once('close', () => busy.set(s, (busy.get(s) ?? 1) - 1));
  });
  return {
    closeIdle() {
      for (const s of sockets) if (!busy.get(s)) s.destroy();
    },
  };
}
