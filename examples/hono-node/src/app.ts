/**
 * The routes, as a Hono app that knows nothing of the platform: the client is handed in, so the same
 * app runs on Node (server.ts) with one long-lived client.
 */
import { Hono } from 'hono';
import { ValidationError, type RudderAnalytics } from 'rudderanalytics';

export function createApp(analytics: RudderAnalytics): Hono {
  const app = new Hono();

  app.post('/signup', async (c) => {
    const { userId, email, plan } = await c.req.json();
    analytics.identify({ userId, traits: { email, plan } });
    analytics.track({ userId, event: 'Signed Up', properties: { plan } });
    return c.json({ ok: true }, 201);
  });

  app.post('/orders', async (c) => {
    const { userId, orderId, total } = await c.req.json();
    const messageId = analytics.track({ userId, event: 'Order Completed', properties: { order_id: orderId, total } });
    return c.json({ messageId }, 201);
  });

  // A call the SDK refuses (no userId, a property that cannot be JSON) throws at once: answer 400 with its reason.
  app.onError((error, c) => {
    if (error instanceof ValidationError) return c.json({ error: error.message, field: error.field }, 400);
    throw error;
  });
  return app;
}
