import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/rng';
import { generateReviews, splitCorpus } from './corpus';
import { makePairs, reviewPrefix } from './preferences';
import { afinnScore, groundTruthReward, rewardBreakdown } from './reward';

describe('movie-review corpus', () => {
  const reviews = generateReviews({ count: 3000, seed: 7 });

  it('is deterministic for a seed', () => {
    expect(generateReviews({ count: 50, seed: 7 })).toEqual(reviews.slice(0, 50));
    expect(generateReviews({ count: 50, seed: 8 })).not.toEqual(reviews.slice(0, 50));
  });

  it('mixes sentiments about 40/40/12/8 over a bounded vocabulary', () => {
    const share = (s: string) => reviews.filter((r) => r.sentiment === s).length / reviews.length;
    expect(share('positive')).toBeCloseTo(0.4, 1);
    expect(share('negative')).toBeCloseTo(0.4, 1);
    expect(share('neutral') + share('mixed')).toBeCloseTo(0.2, 1);
    const words = new Set(reviews.flatMap((r) => r.text.toLowerCase().split(/\W+/)));
    expect(words.size).toBeLessThan(400);
    const lengths = reviews.map((r) => r.text.split(' ').length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(60);
  });

  it('the ground-truth reward agrees with the generator’s labels', () => {
    const mean = (s: string) => {
      const r = reviews.filter((x) => x.sentiment === s).map((x) => groundTruthReward(x.text));
      return r.reduce((a, b) => a + b, 0) / r.length;
    };
    expect(mean('positive')).toBeGreaterThan(0.9);
    expect(mean('negative')).toBeLessThan(0.1);
    expect(mean('neutral')).toBeGreaterThan(mean('negative'));
    expect(mean('neutral')).toBeLessThan(mean('positive'));
  });

  it('splits held-out reviews off deterministically', () => {
    const { train, heldOut } = splitCorpus(reviews, { heldOutFraction: 0.1, seed: 1 });
    expect(train.length + heldOut.length).toBe(reviews.length);
    expect(heldOut.length / reviews.length).toBeCloseTo(0.1, 1);
  });
});

describe('ground-truth reward', () => {
  it('maps AFINN scores through σ(score / 2)', () => {
    expect(afinnScore('great')).toBe(3);
    expect(groundTruthReward('great')).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 10);
    expect(groundTruthReward('terrible')).toBeCloseTo(1 / (1 + Math.exp(1.5)), 10);
    expect(groundTruthReward('the')).toBe(0.5);
    expect(groundTruthReward('')).toBe(0.5);
    expect(rewardBreakdown('a great but boring film')).toEqual([
      { word: 'boring', weight: -3 },
      { word: 'great', weight: 3 },
    ]);
  });
});

describe('preference pairs', () => {
  const scored = [
    { item: 'a', reward: 0.9 },
    { item: 'b', reward: 0.1 },
    { item: 'c', reward: 0.5 },
    { item: 'd', reward: 0.7 },
  ];

  it('all ordered pairs: 4 completions give 6, each chosen above rejected', () => {
    const pairs = makePairs(scored, 'all');
    expect(pairs).toHaveLength(6);
    for (const p of pairs) expect(p.chosenReward).toBeGreaterThan(p.rejectedReward);
    expect(pairs[0]).toEqual({
      chosen: 'a',
      rejected: 'b',
      chosenReward: 0.9,
      rejectedReward: 0.1,
    });
  });

  it('drops ties; best-vs-worst gives one pair', () => {
    const tied = [...scored, { item: 'e', reward: 0.5 }];
    expect(makePairs(tied, 'all')).toHaveLength(9);
    expect(makePairs(scored, 'best-vs-worst')).toEqual([
      { chosen: 'a', rejected: 'b', chosenReward: 0.9, rejectedReward: 0.1 },
    ]);
    expect(
      makePairs(
        [
          { item: 'x', reward: 1 },
          { item: 'y', reward: 1 },
        ],
        'best-vs-worst',
      ),
    ).toEqual([]);
  });

  it('prompts are 2–8-word prefixes', () => {
    const r = mulberry32(3);
    const text = 'one two three four five six seven eight nine ten eleven';
    for (let i = 0; i < 100; i++) {
      const n = reviewPrefix(text, r).split(' ').length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(8);
    }
  });
});
