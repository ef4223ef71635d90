/**
 * The Wilson score interval of a proportion k / n (95 % at z = 1.96): unlike p ± z·√(p(1−p)/n)
 * it stays inside [0, 1] and is honest for the small n of a test round.
 */
export function wilsonInterval(k: number, n: number, z = 1.96): { lo: number; hi: number } {
  if (n <= 0) return { lo: Number.NaN, hi: Number.NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
