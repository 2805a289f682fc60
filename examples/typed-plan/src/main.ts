/**
 * Typed calls from a tracking plan: `src/analytics.ts` is generated from `plan.json` by
 * `rudder typegen`, so the compiler refuses an event the plan would flag, and `planPlugin` checks each
 * event at the call with the data plane's own verdicts. `--violate` sends one deliberate violation.
 */
import { RudderAnalytics } from 'rudderanalytics';
import { planPlugin, typedClient } from './analytics.js';

const writeKey = process.env.RUDDER_WRITE_KEY ?? 'dev_rudderanalytics_local';
const dataPlaneUrl = process.env.RUDDER_DATA_PLANE_URL ?? 'http://127.0.0.1:8080';

async function main(): Promise<void> {
  const client = RudderAnalytics.load(writeKey, dataPlaneUrl, {
    // One JSON line per event that breaks the plan: the violations as the data plane stores them.
    plugins: [planPlugin({ onViolation: (r) => console.log(JSON.stringify({ messageId: r.messageId, violations: r.violations })) })],
  });
  const analytics = typedClient(client);

  analytics.identify({ userId: 'u1', traits: { email: 'ada@example.com', plan: 'pro' } });
  analytics.cartViewed({ userId: 'u1', properties: { items: 2 } });
  analytics.orderCompleted({
    userId: 'u1',
    properties: { order_id: 'o-1001', total: 42.5, currency: 'EUR', products: [{ sku: 'tea-01', quantity: 2 }] },
  });

  if (process.argv.includes('--violate')) {
    // Deliberate: the compiler refuses a string total, the plan reports it, the event is still delivered.
    // @ts-expect-error total must be a number
    analytics.orderCompleted({ userId: 'u1', properties: { order_id: 'o-1002', total: '42.50', currency: 'EUR' } });
  }

  await client.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
