/**
 * Label noise for teaching: flip the preference of a chosen share of the pairs, so that a class
 * can watch DPO follow the wrong labels while cDPO / robust DPO (which assume a flip rate ε)
 * hold up. Seeded, and the count is exact: round(fraction · n) pairs.
 */
import { mulberry32 } from '../model/rng';

/** Indices of the pairs to flip: exactly round(fraction · n) of 0…n−1, a seeded choice. */
export function flippedIndices(n: number, fraction: number, seed: number): Set<number> {
  if (!(fraction >= 0 && fraction <= 1))
    throw new Error(`fraction must be in [0, 1], got ${fraction}`);
  const count = Math.round(fraction * n);
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  // Partial Fisher–Yates: the first `count` slots are a uniform sample without replacement.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return new Set(order.slice(0, count));
}

/** A pair whose chosen and rejected sides can be swapped, with its mark. */
export interface Flippable<T> {
  chosen: T;
  rejected: T;
}

/** `pair` with chosen and rejected swapped when `flip`, as a new object (the input is kept). */
export function swapSides<P extends Flippable<unknown>>(pair: P, flip: boolean): P {
  return flip ? { ...pair, chosen: pair.rejected, rejected: pair.chosen } : pair;
}
