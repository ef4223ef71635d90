/**
 * Seeded randomness for the task data: mulberry32, 32-bit integer arithmetic only, so a seed
 * gives the same corpus, split and prompts in every browser and in Node (never Math.random).
 */
export type Rand = () => number;

export { mulberry32 } from '../model/rng';

/** A uniformly chosen element; the list must not be empty. */
export function pick<T>(rand: Rand, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick: empty list');
  return item;
}

/** A uniform integer in [min, max], both ends included. */
export function integerBetween(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** A seeded Fisher–Yates shuffle of 0..n−1. */
export function shuffledIndices(rand: Rand, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const swap = order[j] ?? j;
    order[j] = order[i] ?? i;
    order[i] = swap;
  }
  return order;
}
