/**
 * The dead-letter file of the Node file store: reading one back, and replaying it through a client.
 * A record is one JSON line (dead-letter-record.ts says what it holds).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RudderAnalytics } from '../client.js';
import type { DeadLetter } from '../dead-letter-record.js';

/** Reads a dead-letter JSONL file, one record per line (blank and torn lines skipped). */
export async function* readDeadLetters(path: string): AsyncGenerator<DeadLetter> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let record: DeadLetter;
    try {
      record = JSON.parse(line) as DeadLetter;
    } catch {
      continue; // a torn last line after a crash
    }
    if (record && typeof record.event === 'object' && record.event !== null) yield record;
  }
}

/**
 * Sends every dead letter of `path` again through `client` (same messageIds, so duplicates can be
 * removed downstream). Move the file aside first if the client's own store writes dead letters to it.
 */
export async function replayDeadLetters(
  client: Pick<RudderAnalytics, 'send'>,
  path: string,
): Promise<{
  /** How many dead letters were delivered. */
  sent: number;
  /** How many were not (refused at the call, or not delivered again). */
  failed: number;
  /** Why each of the `failed` ones failed, in the file's order. */
  errors: unknown[];
}> {
  const outcome = { sent: 0, failed: 0, errors: [] as unknown[] };
  let sends: Promise<void>[] = [];
  const settle = async () => {
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'fulfilled') outcome.sent++;
      else {
        outcome.failed++;
        outcome.errors.push(result.reason);
      }
    }
    sends = [];
  };
  for await (const record of readDeadLetters(path)) {
    sends.push(client.send(record.event as never));
    // In chunks, so a large file never overflows the client's queue.
    if (sends.length >= REPLAY_CHUNK) await settle();
  }
  await settle();
  return outcome;
}

const REPLAY_CHUNK = 1000;
