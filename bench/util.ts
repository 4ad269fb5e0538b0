// Bench helpers: medians of repeated runs, peak memory, and a plain line per figure.

/** Run `fn` `runs` times and return the median of what it returns (a rate or a duration). */
export async function median(runs: number, fn: () => Promise<number> | number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  return medianOf(values);
}

/** The median of values already measured. */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Print one figure as an aligned line. */
export function report(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(58)} ${value}\n`);
}

/** Format a rate with thousands separators. */
export function perSecond(n: number): string {
  return `${Math.round(n).toLocaleString('en-US')}/s`;
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
