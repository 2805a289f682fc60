/**
 * A gated forwarder in front of the real data plane, built on the fault server: the first `open`
 * requests are forwarded and answered, the next one is forwarded but never answered (stored by the
 * data plane, yet in flight for the SDK: a duplicate after replay), and later ones are held forever.
 * Tests kill the SDK process while requests are held, so what was "in flight" is exactly known.
 */
import { startFaultServer, type FaultServer, type Received, type Reply } from './fault-server.js';

export interface Gate {
  server: FaultServer;
  /** Resolves when the request that is forwarded but never answered has been stored by the data plane. */
  stalled: Promise<void>;
}

export async function forward(target: string, request: Received): Promise<Reply> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'content-encoding']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const response = await fetch(target + request.path, { method: request.method, headers, body: new Uint8Array(request.raw) });
  return { status: response.status, body: await response.text() };
}

/** Forwards everything: the healthy path. */
export function startForwarder(target: string): Promise<FaultServer> {
  return startFaultServer((request) => forward(target, request));
}

export async function startGate(target: string, open: number): Promise<Gate> {
  let onStalled!: () => void;
  const stalled = new Promise<void>((resolve) => (onStalled = resolve));
  const server = await startFaultServer(async (request): Promise<Reply> => {
    if (request.index < open) return forward(target, request);
    if (request.index === open) {
      await forward(target, request);
      onStalled();
      return { stall: true };
    }
    return new Promise<Reply>(() => undefined); // held until the process sending it is killed
  });
  return { server, stalled };
}
