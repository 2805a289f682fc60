/**
 * Invokes the handler once on this machine, as Lambda would, and prints what it returned: with a sample
 * API Gateway event, or the JSON event in the file named on the command line. The handler flushes
 * before it returns, so by then its events are stored by the data plane.
 */
import { readFileSync } from 'node:fs';
import { handler, type HttpEvent } from './handler.js';

const SAMPLE: HttpEvent = {
  body: JSON.stringify({ userId: 'buyer-1', orderId: 'o-1', items: [{ sku: 'tea', price: 4.5 }] }),
  requestContext: { requestId: `local-${Date.now()}` },
};

const file = process.argv[2];
const event = file ? (JSON.parse(readFileSync(file, 'utf8')) as HttpEvent) : SAMPLE;
console.log(JSON.stringify(await handler(event)));
