/**
 * A data plane as another machine meets it: a loopback proxy in front of a real data plane that applies
 * the data plane's own read guard (`checkRead`) with the read token of one bound beyond loopback, then
 * forwards what it lets through; it records what `rudder` sent.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRead, createReadGuard } from '../../../dataplane/src/read-guard.js';

export interface ReadGate {
  url: string;
  /** The Authorization headers the gate received, in order. */
  authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

export async function startReadGate(target: string, token: string): Promise<ReadGate> {
  const guard = createReadGuard({ host: '0.0.0.0', readToken: token });
  const upstream = new URL(target);
  const authorizations: Array<string | undefined> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gate');
    authorizations.push(req.headers.authorization);
    const verdict = checkRead(guard, {
      host: req.headers.host,
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken: url.searchParams.get('token') ?? undefined,
    });
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: verdict.message }));
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    // A follower that goes away ends its stream upstream too.
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
