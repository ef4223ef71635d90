import { describe, expect, it } from 'vitest';
import { addLabelNoise } from '../pipeline/preferenceData';
import { flippedIndices, swapSides } from './labelNoise';

describe('label noise', () => {
  it('flips exactly round(fraction · n) distinct pairs, the same ones for the same seed', () => {
    const a = flippedIndices(10, 0.25, 7); // round(2.5) = 3 (half up)
    expect(a.size).toBe(3);
    for (const i of a) expect(i >= 0 && i < 10).toBe(true);
    expect([...flippedIndices(10, 0.25, 7)]).toEqual([...a]);
    expect(flippedIndices(1000, 0.2, 1).size).toBe(200);
    expect(flippedIndices(7, 0, 1).size).toBe(0);
    expect(flippedIndices(7, 1, 1)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    // Another seed picks other pairs (of C(1000, 200) choices, equal by chance ~never).
    expect([...flippedIndices(1000, 0.2, 2)].sort()).not.toEqual(
      [...flippedIndices(1000, 0.2, 1)].sort(),
    );
    expect(() => flippedIndices(4, 1.5, 1)).toThrow('fraction');
  });

  it('swaps chosen and rejected of the flipped pairs only, and marks them', () => {
    const n = 8;
    const data = {
      pairs: Array.from({ length: n }, (_, i) => ({
        prompt: [0],
        chosen: [i],
        rejected: [100 + i],
      })),
      texts: Array.from({ length: n }, (_, i) => ({
        prompt: 'p',
        chosen: `w${i}`,
        rejected: `l${i}`,
      })),
      preview: Array.from({ length: n }, (_, i) => ({
        prompt: 'p',
        chosen: `w${i}`,
        rejected: `l${i}`,
        chosenReward: 0.9,
        rejectedReward: 0.1,
        round: 2,
      })),
    };
    const noisy = addLabelNoise(data, 0.5, 3);
    const flip = flippedIndices(n, 0.5, 3);
    expect(flip.size).toBe(4);
    for (let i = 0; i < n; i++) {
      const f = flip.has(i);
      expect(noisy.pairs[i]?.chosen).toEqual(f ? [100 + i] : [i]);
      expect(noisy.pairs[i]?.rejected).toEqual(f ? [i] : [100 + i]);
      expect(noisy.texts[i]?.chosen).toBe(f ? `l${i}` : `w${i}`);
      expect(noisy.preview[i]?.flipped ?? false).toBe(f);
      expect(noisy.preview[i]?.chosenReward).toBe(f ? 0.1 : 0.9);
      expect(noisy.preview[i]?.round).toBe(2);
    }
    // The input is not modified.
    expect(data.pairs[0]?.chosen).toEqual([0]);
    expect(data.preview.some((p) => 'flipped' in p)).toBe(false);
    expect(addLabelNoise(data, 0, 3)).toBe(data);
    expect(swapSides({ chosen: 1, rejected: 2 }, false)).toEqual({ chosen: 1, rejected: 2 });
  });
});
