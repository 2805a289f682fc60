#!/usr/bin/env node
// The README's first command (`npm start`): start the local data plane, deliver a handful of sample
// events of every type through the SDK, say where to see them, and keep serving until Ctrl-C.
// RUDDER_PORT picks another port (0: any free one); RUDDER_DB another database file.
import { DataPlaneArgsError, parseDataPlaneArgs, startDataPlane } from '@rudderanalytics/dataplane';
import { RudderAnalytics } from 'rudderanalytics';

// The same parser as `rudder dev`: flags after `npm start --`, then RUDDER_PORT / RUDDER_DB.
let options;
try {
  options = parseDataPlaneArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof DataPlaneArgsError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(2);
}
const dataPlane = await startDataPlane(options);

const lastBefore = dataPlane.events({ limit: 1 })[0]?.id ?? 0; // the database may hold earlier runs
const client = RudderAnalytics.load(dataPlane.writeKey, dataPlane.url);
const user = { userId: 'user-1001' };
await client.send({
  type: 'batch',
  context: { app: { name: 'rudderanalytics quickstart', version: '1.0.0' } },
  batch: [
    { type: 'identify', ...user, traits: { name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro' } },
    { type: 'page', ...user, name: 'Pricing', properties: { path: '/pricing', referrer: 'https://www.example.com/' } },
    { type: 'track', ...user, event: 'Product Added', properties: { sku: 'TEE-42', price: 19.99, currency: 'USD' } },
    { type: 'track', ...user, event: 'Order Completed', properties: { orderId: 'ord_7781', revenue: 19.99, currency: 'USD' } },
    { type: 'screen', anonymousId: 'device-8f2c', name: 'Onboarding', properties: { step: 2 } },
    { type: 'group', ...user, groupId: 'acme-inc', traits: { name: 'Acme Inc.', employees: 120 } },
    { type: 'alias', userId: 'user-1001', previousId: 'device-8f2c' },
  ],
});
const stats = client.stats();
await client.close();

console.log(`\nDelivered ${stats.delivered} sample events through the SDK (failed: ${stats.failed}):`);
for (const event of dataPlane.events({ since: lastBefore, order: 'asc' })) {
  const who = event.userId ?? event.anonymousId;
  console.log(`  ${String(event.type).padEnd(8)} ${String(event.event ?? '').padEnd(16)} ${who}  ${event.messageId}`);
}
console.log(`\nSee them live:     ${dataPlane.liveUrl}`);
console.log(`Query them:        ${dataPlane.url}/api/events`);
console.log(`Send your own:     RudderAnalytics.load('${dataPlane.writeKey}', '${dataPlane.url}')`);
console.log('Serving until Ctrl-C.');

const stop = () => {
  dataPlane.close().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
