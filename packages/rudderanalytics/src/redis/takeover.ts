/**
 * The Redis store's background loop: sets up the consumer group, takes back this consumer's own pending
 * entries, heartbeats what this process holds, and takes over entries left idle by processes that died.
 */
import type { Entry, StreamCommands } from './commands.js';

/** What the loop needs from the store it serves. */
export interface TakeoverHost {
  /** Entry ids this process holds (heartbeated so no live process takes them). */
  heldIds(): string[];
  /** Entries found pending or idle: queued here for delivery. */
  adopt(entries: Entry[]): void;
  /** Events waiting in memory: take-overs pause while there are many, so a backlog is shared among live processes. */
  backlog(): number;
  /** Once per round, after the group is known to exist: adds and acknowledgements that failed go again. */
  retryPending(): void;
  warn(kind: string, message: string): void;
}

/** `setting-up`: the group must be (re)created first · `running` · `stopped`: `stop()` was called. */
export type LoopState = 'setting-up' | 'running' | 'stopped';

/** Take-overs stop while this many events already wait locally. */
const CLAIM_BACKLOG = 5000;

export class TakeoverLoop {
  state: LoopState = 'setting-up';
  /** Settles after the first full round (own pending entries, then take-overs): what a start "replays". */
  readonly firstRound: Promise<void>;
  private onFirstRound!: () => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private lastHeartbeat = 0;

  constructor(
    private readonly commands: StreamCommands,
    private readonly host: TakeoverHost,
    private readonly claimIdleMs: number,
  ) {
    this.firstRound = new Promise<void>((resolve) => (this.onFirstRound = resolve));
  }

  start(): void {
    this.schedule(0);
  }

  /** The group was deleted (NOGROUP): the next round creates it again. */
  groupLost(): void {
    if (this.state === 'running') this.state = 'setting-up';
  }

  /** Ends the loop; resolves when a round under way has finished. */
  stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    return this.running ?? Promise.resolve();
  }

  private schedule(delayMs: number): void {
    if (this.state === 'stopped') return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((error: Error) => {
          if (/NOGROUP/.test(error.message)) this.groupLost();
          this.host.warn('loop', `Redis: ${error.message}`);
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(Math.max(100, Math.min(5_000, Math.floor(this.claimIdleMs / 3))));
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (this.state === 'setting-up') {
      await this.commands.createGroup();
      for await (const entries of this.commands.ownPending()) this.host.adopt(entries);
      if (this.state === 'setting-up') this.state = 'running';
    }
    this.host.retryPending();
    if (Date.now() - this.lastHeartbeat >= this.claimIdleMs / 3) {
      this.lastHeartbeat = Date.now();
      const ids = this.host.heldIds();
      if (ids.length) await this.commands.touch(ids);
    }
    let cursor = '0-0';
    do {
      if (this.state === 'stopped' || this.host.backlog() >= CLAIM_BACKLOG) break;
      const { next, entries } = await this.commands.autoClaim(this.claimIdleMs, cursor);
      this.host.adopt(entries);
      cursor = next;
    } while (cursor !== '0-0');
    this.onFirstRound();
  }
}
