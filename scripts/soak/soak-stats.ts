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
