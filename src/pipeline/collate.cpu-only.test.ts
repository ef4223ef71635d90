import { describe, expect, it } from 'vitest';
import { collatePairs, fitToLength } from './collate';

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

  it('rejects an empty prompt or batch', () => {
    expect(() => fitToLength([], [1], 8)).toThrow(/prompt/);
    expect(() => collatePairs([], { padId: 0, maxLength: 8 })).toThrow(/empty/);
  });
});
