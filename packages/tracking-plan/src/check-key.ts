/** The key a compiled plan files each check under: the lookup pair, JSON-encoded. */
export function checkKey(eventType: string, eventName: unknown): string {
  return JSON.stringify([eventType, eventName ?? null]);
}
