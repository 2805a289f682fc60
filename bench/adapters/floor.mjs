// The floor: the least work any SDK has to do to put these events on the wire.
// track(): add the envelope ours sends (type, context.library, integrations, messageId, originalTimestamp,
// channel, sentAt) and JSON.stringify the event;
// bodies `{"batch":[…]}` of ~450 KB are cut and POSTed one at a time (sequential) with node:http
// (keep-alive), gzip'ed with zlib (default level) in `floor-gzip`, raw JSON in `floor-raw`.
// A non-2xx answer is retried after 100 ms (only matters in the flaky scenario).
import http from 'node:http';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const gzipAsync = promisify(zlib.gzip);
const TARGET_BODY = 450_000;
const LIBRARY_CONTEXT = { library: { name: 'rudderanalytics', version: '0.1.0' } };
const ALL_INTEGRATIONS = { All: true };

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
    let backlog = 0; // events cut into bodies but not yet acknowledged
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
        const { json, count } = ready.shift();
        const body = useGzip ? await gzipAsync(json) : Buffer.from(json);
        for (;;) {
          requests++;
          const status = await post(body);
          if (status >= 200 && status < 300) {
            backlog -= count;
            break;
          }
          retries++;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      sender = null;
    }
    function cut() {
      ready.push({ json: '{"batch":[' + parts.join(',') + ']}', count: parts.length });
      backlog += parts.length;
      parts = [];
      bytes = 12;
      if (!sender) sender = sendLoop();
    }
    return {
      track(ev) {
        // same fields as rudderanalytics puts on the wire; sentAt reuses the call's timestamp
        const now = new Date().toISOString();
        const s = JSON.stringify({
          type: 'track',
          event: ev.event,
          userId: ev.userId,
          properties: ev.properties,
          context: LIBRARY_CONTEXT,
          integrations: ALL_INTEGRATIONS,
          messageId: randomUUID(),
          originalTimestamp: now,
          channel: 'server',
          sentAt: now,
        });
        if (bytes + s.length + 1 > TARGET_BODY && parts.length) cut();
        parts.push(s);
        bytes += s.length + 1;
      },
      depth() {
        return parts.length + backlog;
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
