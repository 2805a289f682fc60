// Benchmark sink: a tiny stand-in for the RudderStack gateway (and the Segment / PostHog batch APIs),
// run as its own process so that its CPU never counts against the SDK being measured.
//
//   node bench/sink.mjs [ok|flaky]
//
// Started by bench/run.mjs with child_process.fork(): it listens on 127.0.0.1, port 0, and sends
// { type: 'ready', port } to the parent. The parent asks for { type: 'stats' } / { type: 'reset' }.
//
// Accepts POST on any path (RudderStack / Segment: /v1/batch, PostHog: /batch/), reads the body,
// counts wire bytes as received (i.e. still compressed), gunzips when `Content-Encoding: gzip`,
// parses the JSON and counts the messages of the `batch` array (all three SDKs send {"batch":[…]},
// PostHog as {"api_key","batch":[…],"sent_at"}), plus unique ids (messageId, or PostHog's uuid).
// Answers 200 `OK` like the gateway. In `flaky` mode every third request is answered 503 (its body is
// still read and its bytes counted, its messages are not).
import http from 'node:http';
import zlib from 'node:zlib';

const mode = process.argv[2] === 'flaky' ? 'flaky' : 'ok';

let s;
function reset() {
  s = {
    mode,
    requests: 0, // every request received
    accepted: 0, // requests answered 200
    rejected: 0, // requests answered 503 (flaky)
    bad: 0, // requests we could not decode (answered 400)
    wireBytes: 0, // body bytes as received, all requests
    acceptedWireBytes: 0,
    jsonBytes: 0, // decompressed JSON bytes of accepted requests
    messages: 0, // messages in accepted requests (duplicates included)
    noId: 0,
    paths: {},
    encodings: {},
  };
  ids = new Set();
}
let ids;
reset();

const server = http.createServer((req, res) => {
  const chunks = [];
  let len = 0;
  req.on('data', (c) => {
    chunks.push(c);
    len += c.length;
  });
  req.on('end', () => {
    s.requests++;
    s.wireBytes += len;
    s.paths[req.url] = (s.paths[req.url] || 0) + 1;
    const enc = req.headers['content-encoding'] || 'identity';
    s.encodings[enc] = (s.encodings[enc] || 0) + 1;
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    if (mode === 'flaky' && s.requests % 3 === 0) {
      s.rejected++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    let body;
    try {
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, len);
      if (enc === 'gzip') buf = zlib.gunzipSync(buf);
      s.jsonBytes += buf.length;
      body = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      s.bad++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    const batch = Array.isArray(body) ? body : body && Array.isArray(body.batch) ? body.batch : null;
    if (!batch) {
      s.bad++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end('no batch');
      return;
    }
    s.accepted++;
    if (!s.sample && batch.length) s.sample = batch[0];
    s.acceptedWireBytes += len;
    s.messages += batch.length;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i];
      const id = m && (m.messageId ?? m.uuid);
      if (id === undefined) s.noId++;
      else ids.add(id);
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK');
  });
});
server.keepAliveTimeout = 30_000;
server.headersTimeout = 60_000;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`sink (${mode}) listening on http://127.0.0.1:${port}`);
});

process.on('message', (msg) => {
  if (msg?.type === 'stats') process.send({ type: 'stats', stats: { ...s, unique: ids.size } });
  else if (msg?.type === 'reset') {
    reset();
    process.send({ type: 'reset' });
  } else if (msg?.type === 'exit') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
