// The heap in use once garbage collection has nothing more to free. Two back-to-back full GCs are not
// always enough: some objects (weakly held code, finalization records) go only in a later cycle, and in
// a measurement of a few KB that shows as noise of ~150 KB. Needs `node --expose-gc`.

/** heapUsed in bytes after full GCs repeated until one frees less than 4 KB (at most 10). */
export function liveHeap() {
  const { gc } = globalThis;
  if (typeof gc !== 'function') throw new Error('run node with --expose-gc');
  gc();
  let used = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    const freed = used - now;
    used = now;
    if (freed < 4096) break;
  }
  return used;
}
