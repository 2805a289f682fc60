// Experiment (not in the default plan; run with --only=ours,ours-http): rudderanalytics with its
// `fetch` option set to a minimal fetch over node:http (keep-alive agent), to measure what the
// WHATWG fetch (undici) transport costs on Node. Everything else is default.
import http from 'node:http';
import { adapt } from './ours.mjs';

function httpFetch() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
      const req = http.request(
        url,
        { method: init.method, headers: { ...init.headers, 'content-length': body.length }, agent, signal: init.signal },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({
              status: res.statusCode,
              ok: res.statusCode >= 200 && res.statusCode < 300,
              headers: { get: (k) => res.headers[k.toLowerCase()] ?? null },
              text: async () => text,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

export async function create({ url, writeKey, queueLimit }) {
  const { RudderAnalytics } = await import('rudderanalytics');
  const client = RudderAnalytics.load(writeKey, url, { fetch: httpFetch(), ...(queueLimit > 20_000 ? { maxQueueSize: queueLimit } : {}) });
  return adapt(client);
}
