/**
 * A bound on events in flight: the reader waits here when `limit` events are unsettled, so memory
 * holds at most that many, whatever the input's size, and the SDK's queue never overflows.
 */
export class Window {
  private pending = 0;
  private waiter: { below: number; resolve: () => void } | undefined;

  constructor(
    readonly limit: number,
    private readonly resumeAt: number,
  ) {}

  get size(): number {
    return this.pending;
  }

  get full(): boolean {
    return this.pending >= this.limit;
  }

  add(): void {
    this.pending++;
  }

  done(): void {
    this.pending--;
    if (this.waiter && this.pending <= this.waiter.below) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  }

  /** Resolves once enough has settled to read on (a batch's worth, not one event: fewer wake-ups). */
  room(): Promise<void> {
    return this.until(this.resumeAt);
  }

  /** Resolves once nothing is pending. */
  empty(): Promise<void> {
    return this.until(0);
  }

  private until(below: number): Promise<void> {
    if (this.pending <= below) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = { below, resolve };
    });
  }
}
