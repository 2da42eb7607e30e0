// Timing helpers shared by the engine's benchmarks.

/** The p-th percentile (0..1) of ascending times. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

/** The median of unsorted figures (the lower middle for an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
}

/** Milliseconds each call of fn took, one per item, ascending. */
export function timeEach(items: string[], fn: (id: string) => unknown): number[] {
  const times: number[] = [];
  for (const id of items) {
    const t0 = process.hrtime.bigint();
    fn(id);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b);
}
