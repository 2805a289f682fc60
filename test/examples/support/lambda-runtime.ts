/**
 * A stand-in for the Lambda runtime, run as its own process: imports the handler module named on the
 * command line once (a cold start), then invokes it for every JSON line on stdin, one at a time, and
 * prints each result as `result <requestId> <json>`. The test freezes this process between invocations, as Lambda does.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const { handler } = (await import(pathToFileURL(process.argv[2]).href)) as { handler: (event: unknown) => Promise<unknown> };
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const event = JSON.parse(line) as { requestContext: { requestId: string } };
  const result = await handler(event);
  console.log(`result ${event.requestContext.requestId} ${JSON.stringify(result)}`);
}
