/**
 * Bounded point counts for live charts. Keeps the first and the last point and every
 * `stride`-th one between, with `stride` a power of two: as points stream in, the kept points
 * stay the same until the stride doubles, so a noisy curve does not shimmer on every update.
 */
export function downsample<T extends { step: number }>(points: T[], max: number): T[] {
  const n = points.length;
  const limit = Math.floor(max);
  if (n <= limit) return points;
  if (limit <= 0) return [];
  const last = points[n - 1];
  if (limit === 1 || n < 2) return last ? [last] : [];
  // ceil((n − 1) / stride) + 1 points are kept (0, s, 2s, …, and n − 1): at most `limit`.
  let stride = 1;
  while (Math.ceil((n - 1) / stride) + 1 > limit) stride *= 2;
  const kept: T[] = [];
  for (let i = 0; i < n - 1; i += stride) {
    const p = points[i];
    if (p) kept.push(p);
  }
  if (last) kept.push(last);
  return kept;
}
