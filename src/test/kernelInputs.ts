/** Seeded inputs shared by the kernel tests: ordinary values plus the extremes the kernels must survive. */
import { mulberry32 } from '../model/rng';

/** n values uniform in [−scale, scale), every 7th one pushed to ±80 when `extremes` is set. */
export function seededValues(n: number, seed: number, scale: number, extremes = false): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = (2 * rand() - 1) * scale;
    if (extremes && i % 7 === 3) return u >= 0 ? 80 : -80;
    return u;
  });
}

/** Largest |a − b| / max(1, |b|): a relative error that stays meaningful near 0. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? Number.NaN;
    const y = b[i] ?? Number.NaN;
    const d = Math.abs(x - y) / Math.max(1, Math.abs(y));
    m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(m, d);
  }
  return m;
}
