import { describe, expect, it } from 'vitest';
import { SEED_PURPOSES, seedStream, seedStreams } from './seeds';

describe('seedStreams', () => {
  it('gives every purpose its own stream, the same for the same seed', () => {
    const a = seedStreams(1);
    expect(seedStreams(1)).toEqual(a);
    const values = SEED_PURPOSES.map((p) => a[p]);
    expect(new Set(values).size).toBe(SEED_PURPOSES.length);
  });

  it('changes every stream when the run seed changes, and never collides across seeds 1–50', () => {
    const all = new Set<number>();
    for (let s = 1; s <= 50; s++) {
      for (const p of SEED_PURPOSES) all.add(seedStream(s, p));
    }
    expect(all.size).toBe(50 * SEED_PURPOSES.length);
    const [one, two] = [seedStreams(1), seedStreams(2)];
    for (const p of SEED_PURPOSES) expect(one[p]).not.toBe(two[p]);
  });

  it('stays in [1, 2^30 − 1], far from adjacent seeds (seed + i offsets do not overlap)', () => {
    for (let s = 0; s <= 20; s++) {
      const v = Object.values(seedStreams(s)).sort((x, y) => x - y);
      for (const x of v) {
        expect(Number.isInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(1);
        expect(x).toBeLessThan(2 ** 30);
      }
      // Generation uses seed + i for i below a few thousand: streams must be further apart.
      for (let i = 1; i < v.length; i++) expect((v[i] ?? 0) - (v[i - 1] ?? 0)).toBeGreaterThan(1e4);
    }
  });

  it('refuses a seed that is not a non-negative integer', () => {
    expect(() => seedStream(1.5, 'data')).toThrow(/integer/);
    expect(() => seedStream(-1, 'data')).toThrow(/integer/);
  });
});
