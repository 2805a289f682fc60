/** `rudder identify|track|page|screen|group|alias`: one call, from flags or from a JSON object on stdin. */
import { randomUUID } from 'node:crypto';
import { ValidationError } from 'rudderanalytics';
import { EVENT_TYPES, type EventType } from 'rudderanalytics/internal';
import { CONNECTION_OPTIONS, parse, str, type OptionSpecs, type Values } from '../args.js';
import { createClient, sdkOptions } from '../client.js';
import { resolveTarget } from '../config.js';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors.js';
import { hintFor, reasonOf } from '../failure.js';
import { callHelp } from '../help.js';
import { currentRun } from '../io.js';
import { stderr, stdout } from '../output.js';

/** The call types, each a command of its own; also what `rudder events --type` accepts. */
export const CALL_TYPES = EVENT_TYPES;
export type CallType = EventType;

/** Flag → wire field. */
const STRING_FIELDS: Record<string, string> = {
  'user-id': 'userId',
  'anonymous-id': 'anonymousId',
  event: 'event',
  name: 'name',
  category: 'category',
  'group-id': 'groupId',
  'previous-id': 'previousId',
  timestamp: 'originalTimestamp',
  'message-id': 'messageId',
};
const JSON_FIELDS = ['properties', 'traits', 'context', 'integrations'];

const FIELD_OPTIONS: OptionSpecs = Object.fromEntries(
  [...Object.keys(STRING_FIELDS), ...JSON_FIELDS].map((name) => [name, { type: 'string' as const }]),
);

/** Largest stdin document read; far above the SDK's 32 KB event cap, so the SDK names the rule. */
const MAX_STDIN_BYTES = 16 * 1024 * 1024;

export async function runCall(type: CallType, argv: string[]): Promise<number> {
  const { values } = parse(type, argv, { ...FIELD_OPTIONS, ...CONNECTION_OPTIONS, verbose: { type: 'boolean' } });
  if (values.help) {
    stdout.write(callHelp(type));
    return EXIT_OK;
  }
  const fromFlags = callFromFlags(values);
  let call: Record<string, unknown>;
  if (fromFlags) call = fromFlags;
  else if (!currentRun().stdin.isTTY) call = await callFromStdin(type);
  else throw new UsageError(`no call given: pass field flags (e.g. --user-id), or pipe one JSON object on stdin`, type);

  const target = await resolveTarget(values);
  const options = sdkOptions(values, { maxAttempts: 5, flushInterval: 0, verbose: values.verbose === true });
  // A call typed by hand has no compiler to check it: the SDK's strict mode applies the types' rules.
  options.strict = true;
  const client = createClient(target, options);
  // The failure is reported once, below, from send()'s rejection; without a listener the SDK would log it too.
  client.on('error', () => {});
  // send() does not return the id, so the CLI picks it (unless given) to print it once accepted.
  const messageId = typeof call.messageId === 'string' ? call.messageId : randomUUID();
  if (call.messageId === undefined) call.messageId = messageId;
  try {
    await client.send({ type, ...call } as Parameters<typeof client.send>[0]);
  } catch (error) {
    await client.close({ timeoutMs: 0 });
    if (error instanceof ValidationError) throw new InputError(reasonOf(error));
    const hint = hintFor(error, target);
    stderr.write(`error: ${type} ${reasonOf(error)}\n${hint ? `hint: ${hint}\n` : ''}`);
    return EXIT_FAILED;
  }
  await client.close({ timeoutMs: 1000 });
  stdout.write(`${messageId}\n`);
  return EXIT_OK;
}

/** The call the field flags describe, or undefined when none was given. */
export function callFromFlags(values: Values): Record<string, unknown> | undefined {
  const call: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(STRING_FIELDS)) {
    const v = str(values, flag);
    if (v !== undefined) call[field] = v;
  }
  for (const field of JSON_FIELDS) {
    const v = str(values, field);
    if (v !== undefined) call[field] = parseJsonFlag(field, v);
  }
  return Object.keys(call).length > 0 ? call : undefined;
}

function parseJsonFlag(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${field}: must be a JSON object (${(error as Error).message})`);
  }
}

async function callFromStdin(type: CallType): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of currentRun().stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_STDIN_BYTES) throw new InputError(`stdin: more than ${MAX_STDIN_BYTES} bytes; one call is expected (use 'rudder send' for many)`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') throw new UsageError('no call given: pass field flags (e.g. --user-id), or pipe one JSON object on stdin', type);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`stdin: is not valid JSON (${(error as Error).message}); one JSON object is expected`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`stdin: must be one JSON object (use 'rudder send' for arrays and JSON Lines)`);
  }
  const { type: given, ...call } = parsed as Record<string, unknown>;
  if (given !== undefined && given !== type) throw new InputError(`type: is ${JSON.stringify(given)} but the command is ${type}`);
  return call;
}
