// Compile-time checks of the public types, run by build.test.ts through `tsc --noEmit`.
// Each @ts-expect-error must be an error; if the types stop catching it, tsc fails on the unused directive.
import { RudderAnalytics, type Message, type Sendable } from 'rudderanalytics';

declare const client: RudderAnalytics;

// Accepted shapes.
client.track({ userId: 'u1', event: 'Order Completed', properties: { revenue: 19.99 } });
client.track({ anonymousId: 'a1', event: 'Viewed' });
client.identify({ userId: 42, traits: { plan: 'pro' } });
client.page({ anonymousId: 'a1', name: 'Home' });
client.screen({ userId: 'u1', name: 'Settings' });
client.group({ userId: 'u1', groupId: 'g1' });
client.alias({ userId: 'u1', previousId: 'a1' });
const id: string = client.track({ userId: 'u', event: 'E', originalTimestamp: new Date(), integrations: { All: false, Amplitude: true } });
void id;
client.identify({ userId: 'u1', originalTimestamp: 1700000000000 });
const batch: Sendable = {
  type: 'batch',
  batch: [
    { type: 'identify', userId: 'u1' },
    { type: 'alias', userId: 'u1', previousId: 'a' },
  ],
  context: { app: 'x' },
};
const done: Promise<void> = client.send(batch);
void done;

// Rejected shapes.
// @ts-expect-error neither userId nor anonymousId
client.track({ event: 'E' });
// @ts-expect-error track needs event
client.track({ userId: 'u1' });
// @ts-expect-error page needs name
client.page({ userId: 'u1' });
// @ts-expect-error screen needs name
client.screen({ anonymousId: 'a1' });
// @ts-expect-error group needs groupId
client.group({ userId: 'u1' });
// @ts-expect-error alias needs previousId
client.alias({ userId: 'u1' });
// @ts-expect-error alias needs userId, not only anonymousId
client.alias({ anonymousId: 'a1', previousId: 'p' });
// @ts-expect-error properties must be an object
client.track({ userId: 'u1', event: 'E', properties: 'x' });
// @ts-expect-error integrations values are booleans or objects
client.track({ userId: 'u1', event: 'E', integrations: { All: 'yes' } });
// @ts-expect-error unknown type
const bad: Message = { type: 'pageview', userId: 'u1' };
void bad;
// @ts-expect-error send() of a track without event
void client.send({ type: 'track', userId: 'u1' });
// @ts-expect-error originalTimestamp must be a Date, a string or epoch milliseconds
client.identify({ userId: 'u1', originalTimestamp: true });
// @ts-expect-error on() only knows its five events
client.on('finished', () => {});
