/**
 * A Hono app on Cloudflare Workers that reports sign-ups and orders to RudderStack.
 *
 * A Worker may not carry one request's I/O into another, so each request gets its own client
 * (a middleware), and the client's close() is handed to `waitUntil`: the response goes out at once and
 * the platform keeps the Worker alive until the events are delivered.
 */
import { Hono } from 'hono';
import { RudderAnalytics, ValidationError } from 'rudderanalytics';

interface Env {
  Bindings: { RUDDER_WRITE_KEY: string; RUDDER_DATA_PLANE_URL: string };
  Variables: { analytics: RudderAnalytics };
}

const app = new Hono<Env>();

app.use(async (c, next) => {
  const analytics = RudderAnalytics.load(c.env.RUDDER_WRITE_KEY, c.env.RUDDER_DATA_PLANE_URL);
  c.set('analytics', analytics);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(analytics.close());
  }
});

app.post('/signup', async (c) => {
  const { userId, email, plan } = await c.req.json();
  c.var.analytics.identify({ userId, traits: { email, plan } });
  c.var.analytics.track({ userId, event: 'Signed Up', properties: { plan } });
  return c.json({ ok: true }, 201);
});

app.post('/orders', async (c) => {
  const { userId, orderId, total } = await c.req.json();
  const messageId = c.var.analytics.track({ userId, event: 'Order Completed', properties: { order_id: orderId, total } });
  return c.json({ messageId }, 201);
});

// A call the SDK refuses (no userId, a property that cannot be JSON) throws at once: answer 400 with its reason.
app.onError((error, c) => {
  if (error instanceof ValidationError) return c.json({ error: error.message, field: error.field }, 400);
  throw error;
});

export default app;
