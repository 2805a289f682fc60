/**
 * A minimal typed event emitter. Unlike Node's EventEmitter, an `'error'` with no listener does not
 * throw (the client logs it instead), and a listener that throws cannot break delivery.
 */
export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    (this.listeners[name] ??= []).push(listener);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    const list = this.listeners[name];
    if (list) this.listeners[name] = list.filter((l) => l !== listener);
  }

  /** Drops every listener: for an owner that will emit nothing more, so what the listeners capture can be collected. */
  clear(): void {
    for (const name of Object.keys(this.listeners)) delete this.listeners[name as keyof Events];
  }

  has(name: keyof Events): boolean {
    return (this.listeners[name]?.length ?? 0) > 0;
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const list = this.listeners[name];
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
