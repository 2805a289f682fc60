/**
 * An AWS Lambda handler (API Gateway HTTP API, payload v2) that reports orders to RudderStack.
 *
 * The client is created once per execution environment and reused by every invocation it serves.
 * Lambda freezes the process as soon as the handler's promise settles, so a batch still queued would
 * wait, frozen, until a next invocation that may never come: the handler awaits `flush()` before it
 * returns, and every event of the invocation is delivered by then.
 */
import { RudderAnalytics, ValidationError } from 'rudderanalytics';

/** The part of an API Gateway v2 event this handler reads. */
export interface HttpEvent {
  body?: string;
  requestContext?: { requestId?: string };
}

export interface HttpResult {
  statusCode: number;
  body: string;
}

const analytics = RudderAnalytics.load(
  process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local',
  process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080',
);

export async function handler(event: HttpEvent): Promise<HttpResult> {
  try {
    const { userId, orderId, items = [] } = JSON.parse(event.body ?? '{}');
    const ids = (items as Array<{ sku: string; price: number }>).map((item) =>
      analytics.track({ userId, event: 'Product Purchased', properties: { order_id: orderId, ...item } }),
    );
    ids.push(analytics.track({ userId, event: 'Order Completed', properties: { order_id: orderId, request_id: event.requestContext?.requestId } }));
    return { statusCode: 200, body: JSON.stringify({ messageIds: ids }) };
  } catch (error) {
    if (error instanceof ValidationError) return { statusCode: 400, body: JSON.stringify({ error: error.message }) };
    throw error;
  } finally {
    // Before the promise settles: afterwards the process may be frozen (or never thawed).
    await analytics.flush();
  }
}
