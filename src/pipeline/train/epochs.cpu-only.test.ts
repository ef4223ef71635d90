import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../model/rng';
import { epochSampler, shuffled } from './epochs';

describe('batch order', () => {
  it('shuffled is a seeded permutation', () => {
    const a = shuffled(10, mulberry32(4));
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled(10, mulberry32(4))).toEqual(a);
    expect(shuffled(10, mulberry32(5))).not.toEqual(a);
  });

  it('epochSampler visits every item once per epoch, across batch boundaries', () => {
    const next = epochSampler(5, 2, mulberry32(1));
    const seen = [...next(), ...next(), ...next()]; // 6 draws: one epoch of 5, then 1 more
    expect(new Set(seen.slice(0, 5)).size).toBe(5);
    expect(epochSampler(3, 8, mulberry32(1))()).toHaveLength(3); // capped at n
    expect(() => epochSampler(0, 2, mulberry32(1))).toThrow('nothing to sample from');
  });
});
