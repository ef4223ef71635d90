import { describe, expect, it } from 'vitest';
import { bucketLength, collatePairs, collateSequences, fitToLength } from './collate';

describe('collatePairs', () => {
  it('stacks chosen rows then rejected rows, right-padded, completion masked', () => {
    const b = collatePairs(
      [
        { prompt: [9, 1], chosen: [2, 3], rejected: [4] },
        { prompt: [9], chosen: [5], rejected: [6, 7, 8] },
      ],
      { padId: 0, maxLength: 16 },
    );
    expect(b.pairs).toBe(2);
    expect(b.length).toBe(4);
    expect(Array.from(b.ids)).toEqual([9, 1, 2, 3, 9, 5, 0, 0, 9, 1, 4, 0, 9, 6, 7, 8]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(b.completionMask)).toEqual([0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1]);
    expect(b.truncated).toBe(0);
  });

  it('truncates the prompt from the left first, then the completion from the right', () => {
    expect(fitToLength([1, 2, 3, 4], [5, 6], 4)).toEqual({
      prompt: [3, 4],
      completion: [5, 6],
      truncated: true,
    });
    expect(fitToLength([1, 2], [5, 6, 7, 8], 4)).toEqual({
      prompt: [2],
      completion: [5, 6, 7],
      truncated: true,
    });
    const b = collatePairs([{ prompt: [1, 2, 3], chosen: [4, 5, 6], rejected: [7] }], {
      padId: 0,
      maxLength: 4,
    });
    expect(b.truncated).toBe(1);
    expect(b.length).toBe(4);
  });

  it('pads to the next multiple of the length bucket, capped at maxLength', () => {
    expect(bucketLength(4, 16, 64)).toBe(16);
    expect(bucketLength(16, 16, 64)).toBe(16);
    expect(bucketLength(17, 16, 64)).toBe(32);
    expect(bucketLength(50, 16, 56)).toBe(56);
    expect(bucketLength(5, 1, 64)).toBe(5);
    expect(() => bucketLength(5, 0, 64)).toThrow('lengthBucket must be ≥ 1');
    const pairs = [{ prompt: [9, 1], chosen: [2, 3], rejected: [4] }];
    expect(collatePairs(pairs, { padId: 0, maxLength: 64 }).length).toBe(4); // default: tight
    const b = collatePairs(pairs, { padId: 0, maxLength: 64, lengthBucket: 16 });
    expect(b.length).toBe(16);
    expect(Array.from(b.ids.subarray(0, 6))).toEqual([9, 1, 2, 3, 0, 0]);
    expect(Array.from(b.attentionMask).reduce((a, x) => a + x, 0)).toBe(4 + 3);
    expect(collatePairs(pairs, { padId: 0, maxLength: 6, lengthBucket: 16 }).length).toBe(6);
    expect(collateSequences([{ prompt: [1], completion: [2] }], 0).length).toBe(2);
    expect(collateSequences([{ prompt: [1], completion: [2] }], 0, 8).length).toBe(8);
  });

  it('rejects an empty prompt or batch', () => {
    expect(() => fitToLength([], [1], 8)).toThrow(/prompt/);
    expect(() => collatePairs([], { padId: 0, maxLength: 8 })).toThrow(/empty/);
  });
});
