/**
 * A Fastify app that reports sign-ups and orders to RudderStack. One client for the whole process;
 * the onClose hook closes it, so `app.close()` on SIGTERM/SIGINT first stops taking requests, then
 * delivers the events still queued.
 */
import Fastify from 'fastify';
import { RudderAnalytics, ValidationError } from 'rudderanalytics';

const analytics = RudderAnalytics.load(
  process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
  process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
  { flushInterval: Number(process.env.RUDDER_FLUSH_INTERVAL_MS ?? 2000) },
);

interface SignUp {
  userId: string;
  email?: string;
  plan?: string;
}
interface Order {
  userId: string;
  orderId: string;
  total: number;
}

const app = Fastify();
app.addHook('onClose', async () => {
  await analytics.close({ timeoutMs: 10_000 });
  const { delivered, failed, dropped } = analytics.stats();
  console.log(`closed: ${delivered} delivered, ${failed} failed, ${dropped} dropped`);
});

app.post<{ Body: SignUp }>('/signup', async (req, reply) => {
  const { userId, email, plan } = req.body;
  analytics.identify({ userId, traits: { email, plan } });
  analytics.track({ userId, event: 'Signed Up', properties: { plan } });
  return reply.code(201).send({ ok: true });
});

app.post<{ Body: Order }>('/orders', async (req, reply) => {
  const { userId, orderId, total } = req.body;
  const messageId = analytics.track({ userId, event: 'Order Completed', properties: { order_id: orderId, total } });
  return reply.code(201).send({ messageId });
});

// A call the SDK refuses (no userId, a property that cannot be JSON) throws at once: answer 400 with its reason.
app.setErrorHandler((error, _req, reply) => {
  if (error instanceof ValidationError) return reply.code(400).send({ error: error.message, field: error.field });
  return reply.send(error);
});

const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${url}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: closing`);
    void app.close();
  });
}
