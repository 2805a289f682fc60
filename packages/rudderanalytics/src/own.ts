/**
 * `target[key] = value` as data for every key. A call parsed from JSON can carry `__proto__` as an
 * ordinary key; assigned, it would replace the copy's prototype instead (and take the fields the SDK
 * adds with it). Defined, it stays an own field and is delivered under its name, as the gateway sees it.
 */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
