import { describe, expect, it } from 'vitest';
import { makePairs, type Scored } from './preferences';

const four: Scored<string>[] = [
  { item: 'a', reward: 0.9 },
  { item: 'b', reward: 0.1 },
  { item: 'c', reward: 0.5 },
  { item: 'd', reward: 0.7 },
];

describe('makePairs, all', () => {
  it('turns 4 distinct rewards into 6 pairs, the higher reward chosen', () => {
    const pairs = makePairs(four, 'all');
    expect(pairs.map((p) => `${p.chosen}>${p.rejected}`)).toEqual([
      'a>b',
      'a>c',
      'a>d',
      'c>b',
      'd>b',
      'd>c',
    ]);
    for (const p of pairs) expect(p.chosenReward).toBeGreaterThan(p.rejectedReward);
    expect(pairs[3]).toEqual({
      chosen: 'c',
      rejected: 'b',
      chosenReward: 0.5,
      rejectedReward: 0.1,
      chosenIndex: 2,
      rejectedIndex: 1,
    });
  });

  it('gives K(K−1)/2 pairs for K distinct rewards', () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ item: i, reward: (i * 7) % 8 }));
    expect(makePairs(eight, 'all')).toHaveLength(28);
  });

  it('drops ties, exact or within tieEpsilon', () => {
    const tied = [...four, { item: 'e', reward: 0.5 }];
    expect(makePairs(tied, 'all')).toHaveLength(9); // 10 pairs, c = e dropped
    const close = [
      { item: 'x', reward: 0.5 },
      { item: 'y', reward: 0.55 },
      { item: 'z', reward: 0.9 },
    ];
    expect(makePairs(close, 'all', 0.1).map((p) => `${p.chosen}>${p.rejected}`)).toEqual([
      'z>x',
      'z>y',
    ]);
    expect(makePairs(close, 'all', 0)).toHaveLength(3);
  });
});

describe('makePairs, best-vs-worst', () => {
  it('gives the single pair of the highest and lowest reward', () => {
    expect(makePairs(four, 'best-vs-worst')).toEqual([
      {
        chosen: 'a',
        rejected: 'b',
        chosenReward: 0.9,
        rejectedReward: 0.1,
        chosenIndex: 0,
        rejectedIndex: 1,
      },
    ]);
  });

  it('gives none when everything ties, or with fewer than two completions', () => {
    const same = [
      { item: 'x', reward: 0.5 },
      { item: 'y', reward: 0.5 },
      { item: 'z', reward: 0.5 },
    ];
    expect(makePairs(same, 'best-vs-worst')).toEqual([]);
    expect(makePairs(same, 'all')).toEqual([]);
    expect(makePairs([{ item: 'x', reward: 1 }], 'best-vs-worst')).toEqual([]);
    expect(makePairs([], 'all')).toEqual([]);
  });
});

describe('makePairs, input checks', () => {
  it('rejects non-finite rewards and a negative tieEpsilon', () => {
    expect(() => makePairs([...four, { item: 'n', reward: Number.NaN }], 'all')).toThrow();
    expect(() => makePairs(four, 'all', -1)).toThrow();
  });
});
