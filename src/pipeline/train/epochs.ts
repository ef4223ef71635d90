/** Seeded batch orders: shuffled epochs, one sampler for every trainer. */

/** Seeded Fisher–Yates permutation of 0..n−1. */
export function shuffled(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] ?? 0, a[i] ?? 0];
  }
  return a;
}

/** Endless seeded epochs over n items: each call returns the next min(size, n) indices. */
export function epochSampler(n: number, size: number, rand: () => number): () => number[] {
  if (n === 0) throw new Error('nothing to sample from');
  let order: number[] = [];
  let cursor = 0;
  return () => {
    const out: number[] = [];
    while (out.length < Math.min(size, n)) {
      if (cursor >= order.length) {
        order = shuffled(n, rand);
        cursor = 0;
      }
      out.push(order[cursor++] ?? 0);
    }
    return out;
  };
}
