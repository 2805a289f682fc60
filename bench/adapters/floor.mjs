// The floor: the least work any SDK has to do to put these events on the wire.
// track(): add the envelope (messageId, type, timestamps, library) and JSON.stringify the event;
// bodies `{"batch":[…]}` of ~450 KB are cut and POSTed one at a time (sequential) with node:http
// (keep-alive), gzip'ed with zlib (default level) in `floor-gzip`, raw JSON in `floor-raw`.
// A non-2xx answer is retried after 100 ms (only matters in the flaky scenario).
import http from 'node:http';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const gzipAsync = promisify(zlib.gzip);
const TARGET_BODY = 450_000;

export function makeFloor(useGzip) {
  return async function create({ url, writeKey }) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL('/v1/batch', url);
    const auth = 'Basic ' + Buffer.from(writeKey + ':').toString('base64');
    let parts = [];
    let bytes = 12; // {"batch":[]}
    const ready = [];
    let sender = null;
    let requests = 0;
    let retries = 0;

    function post(body) {
      return new Promise((resolve, reject) => {
        const headers = { 'content-type': 'application/json', 'content-length': body.length, authorization: auth };
        if (useGzip) headers['content-encoding'] = 'gzip';
        const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end(body);
      });
    }
    async function sendLoop() {
      while (ready.length) {
        const json = ready.shift();
        const body = useGzip ? await gzipAsync(json) : Buffer.from(json);
        for (;;) {
          requests++;
          const status = await post(body);
          if (status >= 200 && status < 300) break;
          retries++;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      sender = null;
    }
    function cut() {
      ready.push('{"batch":[' + parts.join(',') + ']}');
      parts = [];
      bytes = 12;
      if (!sender) sender = sendLoop();
    }
    return {
      track(ev) {
        const s = JSON.stringify({
          type: 'track',
          messageId: randomUUID(),
          userId: ev.userId,
          event: ev.event,
          properties: ev.properties,
          context: { library: { name: 'floor', version: '0.0.0' } },
          channel: 'server',
          originalTimestamp: new Date().toISOString(),
        });
        if (bytes + s.length + 1 > TARGET_BODY && parts.length) cut();
        parts.push(s);
        bytes += s.length + 1;
      },
      depth() {
        return parts.length + ready.length * 1000;
      },
      async finish() {
        if (parts.length) cut();
        while (sender) await sender;
        agent.destroy();
        return { requests, retries };
      },
    };
  };
}
