/**
 * An HTTP hop between the SDK and the data plane that notes how each request was encoded, then
 * forwards it untouched. The data plane stores decoded events only; this is where "gzip on" is seen.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../support/loopback-server.js';

export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  contentEncoding: string | undefined;
  /** The body starts with gzip's magic bytes (1f 8b). */
  gzipMagic: boolean;
  /** The data plane's answer; unset until it arrives (it may after the data plane announced the events). */
  status?: number;
}

export interface RecordingProxy {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: SeenRequest[] = [];
  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'content-encoding']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // Noted before forwarding: a test waiting on the data plane may look as soon as the events are stored.
    const seen: SeenRequest = {
      path: req.url ?? '',
      authorization: headers.authorization,
      contentEncoding: headers['content-encoding'],
      gzipMagic: body[0] === 0x1f && body[1] === 0x8b,
    };
    requests.push(seen);
    let text = 'proxy could not reach the data plane';
    seen.status = 502;
    try {
      const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
      seen.status = upstream.status;
      text = await upstream.text();
    } catch {
      // Answered as a 502, which the SDK retries; the test then sees the retry in stats.
    }
    res.writeHead(seen.status, { 'content-type': 'text/plain' }).end(text);
  };
  // A request that fails mid-read ends its socket rather than leaving a rejection nobody handles.
  const server: Server = createServer((req, res) => {
    forward(req, res).catch(() => res.destroy());
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    close: listening.close,
  };
}

/** The Authorization header the SDK sends for a write key, to pick a client's requests out. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}
