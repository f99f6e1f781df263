import { readFileSync } from 'node:fs';

export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/** Resident memory of a process in MB, from /proc (Linux); null once it is gone. */
export function residentMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * How much the series grew: the mean of its last third over the mean of its first third, as a
 * fraction (0.25 = 25 % more). The first minute carries the warm-up, so a short run overstates it.
 */
export function drift(series: number[]): number {
  if (series.length < 2) return 0;
  const third = Math.max(1, Math.floor(series.length / 3));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const first = mean(series.slice(0, third));
  return first > 0 ? (mean(series.slice(-third)) - first) / first : 0;
}
