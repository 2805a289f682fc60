// Deterministic, realistic track events. Every SDK (and the floor) gets the same sequence of
// user-level inputs; each SDK adds its own envelope (messageId, timestamps, context.library, …).
// The property set is sized so that one message, as our SDK puts it on the wire, is ~430 bytes of JSON.

const EVENTS = ['Order Completed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Cart Viewed'];
const PRODUCTS = [
  ['Running Shoes', 'Footwear', 89.99],
  ['Trail Jacket', 'Outerwear', 149.5],
  ['Wool Socks', 'Accessories', 12.0],
  ['Yoga Mat', 'Fitness', 35.25],
  ['Water Bottle', 'Accessories', 18.75],
  ['Cycling Gloves', 'Cycling', 24.99],
  ['Rain Poncho', 'Outerwear', 29.0],
  ['Headlamp', 'Camping', 44.95],
  ['Sleeping Bag', 'Camping', 199.0],
  ['Compression Tights', 'Apparel', 64.0],
  ['Sports Bra', 'Apparel', 39.99],
  ['Climbing Chalk', 'Climbing', 9.5],
];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD'];
const COUPONS = [null, null, null, 'SUMMER10', 'WELCOME5', 'FREESHIP'];

/**
 * The i-th event as a plain object in the common {userId, event, properties} shape
 * (adapters translate it for PostHog). A fresh object each call, like a server handling a request.
 */
export function makeEvent(i) {
  const p = PRODUCTS[i % PRODUCTS.length];
  const qty = 1 + (i % 3);
  return {
    userId: 'user-' + ((i * 7919) % 50021),
    event: EVENTS[i % EVENTS.length],
    properties: {
      orderId: 'ord-' + (1_000_000 + i),
      revenue: Math.round(p[2] * qty * 100) / 100,
      currency: CURRENCIES[i % CURRENCIES.length],
      coupon: COUPONS[i % COUPONS.length],
      sku: 'SKU-' + (10000 + ((i * 31) % 9000)),
      quantity: qty,
    },
  };
}
