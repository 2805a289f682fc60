/** Lookup by `(eventType, name)` in plan order: the first entry for a pair wins, as in the transformer's `find`. */
export function planIndex<T>(entries: Iterable<T>, keyOf: (entry: T) => [eventType: string, name: unknown]): Map<string, Map<unknown, T>> {
  const index = new Map<string, Map<unknown, T>>();
  for (const entry of entries) {
    const [eventType, name] = keyOf(entry);
    let byName = index.get(eventType);
    if (!byName) index.set(eventType, (byName = new Map()));
    if (!byName.has(name)) byName.set(name, entry);
  }
  return index;
}
