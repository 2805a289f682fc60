/**
 * An Express app that reports sign-ups and orders to RudderStack. One client for the whole process,
 * created at start, closed on SIGTERM/SIGINT after the server stops taking requests, so the events
 * still queued are delivered before the process exits.
 */
import express, { type ErrorRequestHandler } from 'express';
import { RudderAnalytics, ValidationError } from 'rudderanalytics';

const analytics = RudderAnalytics.load(
  process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
  process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
  { flushInterval: Number(process.env.RUDDER_FLUSH_INTERVAL_MS ?? 2000) },
);

const app = express();
app.use(express.json());

app.post('/signup', (req, res) => {
  const { userId, email, plan } = req.body;
  analytics.identify({ userId, traits: { email, plan } });
  analytics.track({ userId, event: 'Signed Up', properties: { plan } });
  res.status(201).json({ ok: true });
});

app.post('/orders', (req, res) => {
  const { userId, orderId, total } = req.body;
  const messageId = analytics.track({ userId, event: 'Order Completed', properties: { order_id: orderId, total } });
  res.status(201).json({ messageId });
});

// A call the SDK refuses (no userId, a property that cannot be JSON) throws at once: answer 400 with its reason.
const refused: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof ValidationError) res.status(400).json({ error: error.message, field: error.field });
  else next(error);
};
app.use(refused);

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});

async function shutdown(signal: string): Promise<void> {
  console.log(`${signal}: closing`);
  server.close();
  await analytics.close({ timeoutMs: 10_000 });
  const { delivered, failed, dropped } = analytics.stats();
  console.log(`closed: ${delivered} delivered, ${failed} failed, ${dropped} dropped`);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
