/**
 * Memory after a forced collection, settled: V8 frees array buffers' memory on a background
 * thread after a collection, so right after gc() the array-buffer count may still include
 * garbage (one benchmark's garbage then shows in the next one's figure). Collects and waits
 * until the count stops moving. Needs node --expose-gc; without it, the figures as they come.
 */
export async function settledMemory(): Promise<{ heap: number; arrayBuffers: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let last = -1;
  for (let i = 0; i < 20; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
    const now = process.memoryUsage().arrayBuffers;
    if (now === last || gc === undefined) break;
    last = now;
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers };
}
