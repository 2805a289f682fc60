/**
 * The Redis commands the store sends, each over as many chunks as a long list of events or ids needs:
 * one place that chunks, so no command ever carries an unbounded argument list.
 */
import type { Redis } from 'ioredis';
import { ADD_AND_CLAIM } from './scripts.js';

type AddResult = [string[], string[]];
type AutoClaimResult = [string, ([string, string[]] | null)[], string[]?];
type ReadGroupResult = [string, [string, string[]][]][] | null;
interface ScriptedRedis extends Redis {
  rudderAddAndClaim(key: string, ...args: (string | number)[]): Promise<AddResult>;
}

/** An entry of the event stream: its id and the event's JSON. */
export type Entry = [id: string, json: string];

/** Events per XADD script call and per read: what one Redis round trip carries. */
export const ADD_CHUNK = 500;
const ID_CHUNK = 1000;

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The event's JSON in a stream entry's field list (`e <json>`). */
function eventField(fields: string[]): string {
  return fields[fields.indexOf('e') + 1] ?? fields[1];
}

/** Rejects when any command of an executed pipeline failed (ioredis reports those per command). */
async function exec(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error)?.[0];
  if (failed) throw failed;
}

export class StreamCommands {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    readonly stream: string,
    readonly group: string,
    readonly consumer: string,
  ) {
    this.redis = redis as ScriptedRedis;
    if (!this.redis.rudderAddAndClaim) this.redis.defineCommand('rudderAddAndClaim', { numberOfKeys: 1, lua: ADD_AND_CLAIM });
  }

  /** Adds up to ADD_CHUNK events and claims them for this consumer in one atomic step: their ids, and orphans to adopt. */
  async addAndClaim(jsons: string[], maxLen: number, whenFull: 'reject' | 'trim'): Promise<{ ids: string[]; orphans: Entry[] }> {
    const [ids, flat] = await this.redis.rudderAddAndClaim(this.stream, this.group, this.consumer, maxLen, whenFull, ...jsons);
    const orphans: Entry[] = [];
    for (let i = 0; i < flat.length; i += 2) orphans.push([flat[i], flat[i + 1]]);
    return { ids, orphans };
  }

  /** Stores dead letters first, then acknowledges and deletes entries: an entry never goes before its dead letter is stored. */
  acknowledge(ids: readonly string[], deadLetters: { stream: string; maxLen: number; records: string[] } | undefined): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const record of deadLetters?.records ?? []) pipeline.xadd(deadLetters!.stream, 'MAXLEN', '~', deadLetters!.maxLen, '*', 'd', record);
    for (const part of chunks(ids, ID_CHUNK)) pipeline.xack(this.stream, this.group, ...part).xdel(this.stream, ...part);
    return exec(pipeline);
  }

  /** Resets the idle time of entries (heartbeat), or marks them idle for ages (`idleMs`: hand-over at close). */
  touch(ids: readonly string[], idleMs?: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const part of chunks(ids, ID_CHUNK)) {
      if (idleMs === undefined) pipeline.xclaim(this.stream, this.group, this.consumer, 0, ...part, 'JUSTID');
      else pipeline.xclaim(this.stream, this.group, this.consumer, 0, ...part, 'IDLE', idleMs, 'JUSTID');
    }
    return exec(pipeline);
  }

  /** Creates the group from the start of the stream (entries never delivered are then adopted); an existing group is fine. */
  async createGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  /** This consumer's own pending entries (left by an earlier run under the same name), a chunk at a time. */
  async *ownPending(): AsyncGenerator<Entry[]> {
    let after = '0-0';
    for (;;) {
      const read = (await this.redis.xreadgroup(
        'GROUP',
        this.group,
        this.consumer,
        'COUNT',
        ADD_CHUNK,
        'STREAMS',
        this.stream,
        after,
      )) as ReadGroupResult;
      const entries = read?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      yield entries.map(([id, fields]): Entry => [id, eventField(fields)]);
      after = entries[entries.length - 1][0];
    }
  }

  /** Takes over one chunk of entries idle for `idleMs`; returns the next cursor ('0-0' when done). */
  async autoClaim(idleMs: number, cursor: string): Promise<{ next: string; entries: Entry[] }> {
    const [next, found] = (await this.redis.xautoclaim(
      this.stream,
      this.group,
      this.consumer,
      idleMs,
      cursor,
      'COUNT',
      ADD_CHUNK,
    )) as AutoClaimResult;
    return { next, entries: found.flatMap((entry) => (entry ? [[entry[0], eventField(entry[1])] as Entry] : [])) };
  }

  async readDeadLetters(stream: string, count: number): Promise<[string, string[]][]> {
    return (await this.redis.xrange(stream, '-', '+', 'COUNT', count)) as [string, string[]][];
  }

  async deleteDeadLetters(stream: string, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids, ID_CHUNK)) await this.redis.xdel(stream, ...part);
  }
}
