import { describe, expect, it } from 'vitest';
import {
  fitWordReward,
  heldOutAccuracy,
  rewardPairs,
  trustWordReward,
  WORD_REWARD_DEFAULTS,
} from './wordReward';

// A labeller who likes "cast": the chosen side always mentions it; "the" is on both sides.
const pairs = [
  { chosen: ' the cast was fine', rejected: ' the plot was thin' },
  { chosen: ' a cast to remember', rejected: ' the music was loud' },
  { chosen: ' the cast and the crew', rejected: ' the end came fast' },
  { chosen: ' I liked the cast', rejected: ' I liked the sets' },
];

describe('word reward from a few labels', () => {
  it('finds the word the labels favour and drops words on both sides', () => {
    const rm = fitWordReward(pairs);
    expect(rm.weights[0]?.word).toBe('cast');
    // "the" and "i" sit on both sides: not consistent, no weight.
    expect(rm.weights.map((w) => w.word)).not.toContain('the');
    expect(rm.weights.map((w) => w.word)).not.toContain('i');
    expect(rm.score(' the cast again')).toBeGreaterThan(rm.score(' the plot again'));
    // Every pair is ranked as labelled.
    for (const p of pairs) expect(rm.score(p.chosen)).toBeGreaterThan(rm.score(p.rejected));
  });

  it('without the support filter, every word is a feature (a Bradley–Terry fit over counts)', () => {
    const rm = fitWordReward(pairs, { ...WORD_REWARD_DEFAULTS, minSupport: 0 });
    expect(rm.weights.map((w) => w.word)).toContain('plot');
    expect(rm.weights.find((w) => w.word === 'plot')?.weight).toBeLessThan(0);
  });

  it('pairs the closest lengths among those the reward separates, best margin on a tie', () => {
    const score = (t: string) => (t.includes('cast') ? 2 : 0);
    const groups = [
      {
        texts: ['the cast', 'no', 'a long plot line', 'plot'],
        ids: [[1, 2], [3], [4, 5, 6, 7], [8, 9]],
      },
      { texts: ['x', 'y'], ids: [[1], [2]] },
    ];
    expect(rewardPairs(groups, score, 1)).toEqual([
      { group: 0, chosen: 0, rejected: 3, margin: 2 },
    ]);
  });

  it('judges only the held-out pairs it ranks, and is trusted at ≥ 70 % of them', () => {
    const rm = { score: (t: string) => (t.includes('cast') ? 1 : 0) };
    const held = [
      { chosen: 'the cast', rejected: 'the plot' }, // right
      { chosen: 'the plot', rejected: 'the cast' }, // wrong
      { chosen: 'the sets', rejected: 'the plot' }, // no word it knows: not judged
    ];
    expect(heldOutAccuracy(rm, held)).toBe(0.5);
    expect(heldOutAccuracy(rm, held.slice(2))).toBeNaN();
    expect(trustWordReward(0.5, 100)).toBe(false);
    expect(trustWordReward(0.75, 100)).toBe(true);
    expect(trustWordReward(Number.NaN, 100)).toBe(true);
    expect(trustWordReward(1, 0)).toBe(false);
  });
});
