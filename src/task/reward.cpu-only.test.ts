import { describe, expect, it } from 'vitest';
import { generateReviews } from './corpus';
import { reviewPrefixes } from './prompts';
import { groundTruthReward, REWARD_TEMPERATURE, rewardBreakdown, sentimentScore } from './reward';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** r* for an AFINN score s. */
const rewardOf = (s: number) => sigmoid(s / REWARD_TEMPERATURE);

describe('groundTruthReward', () => {
  it('is σ(s / 3) of the AFINN score: hand-checked words', () => {
    expect(REWARD_TEMPERATURE).toBe(3);
    expect(groundTruthReward('great')).toBeCloseTo(0.7310585786, 9); // s = +3: σ(1)
    expect(groundTruthReward('terrible')).toBeCloseTo(0.2689414214, 9); // s = −3: σ(−1)
    expect(groundTruthReward('superb')).toBeCloseTo(sigmoid(5 / 3), 12); // s = +5
    expect(groundTruthReward('The great, great film!')).toBeCloseTo(sigmoid(2), 12);
    expect(groundTruthReward('the')).toBe(0.5);
    expect(groundTruthReward('')).toBe(0.5);
    // Object.prototype names are not lexicon words.
    expect(groundTruthReward('constructor toString __proto__ hasOwnProperty')).toBe(0.5);
  });

  it('flips negated words, also after wasn’t / never / didn’t and across a degree word', () => {
    expect(groundTruthReward('not bad at all')).toBeCloseTo(rewardOf(3), 12);
    expect(groundTruthReward("It wasn't worth it.")).toBeCloseTo(rewardOf(-2), 12);
    expect(groundTruthReward('it wasn’t worth it')).toBeCloseTo(rewardOf(-2), 12);
    expect(groundTruthReward('I was never bored')).toBeCloseTo(rewardOf(2), 12);
    expect(groundTruthReward("I didn't like the plot")).toBeCloseTo(rewardOf(-2), 12);
    expect(groundTruthReward('the acting was not very good')).toBeCloseTo(rewardOf(-3), 12);
    expect(groundTruthReward('not a good film')).toBeCloseTo(rewardOf(-3), 12);
    // "no" is itself −1 and flips the next word: −1 + 2.
    expect(groundTruthReward('I have no complaints')).toBeCloseTo(rewardOf(1), 12);
  });

  it('counts only the completion, read in the prompt’s context', () => {
    expect(groundTruthReward(' and the plot', 'This movie was terrible')).toBe(0.5);
    expect(groundTruthReward(' but great', 'This movie was terrible')).toBeCloseTo(rewardOf(3), 12);
    expect(groundTruthReward(' bad at all', 'The acting was not')).toBeCloseTo(rewardOf(3), 12);
    // A word glued across the boundary belongs to the completion: "was" + "n't" = "wasn't".
    expect(groundTruthReward("n't good", 'The film was')).toBeCloseTo(rewardOf(-3), 12);
    expect(groundTruthReward('', 'A wonderful film')).toBe(0.5);
  });
});

describe('rewardBreakdown', () => {
  it('lists the matched words with their weights, the prompt’s marked as not counted', () => {
    const b = rewardBreakdown(' but the ending was not bad.', 'The acting was terrible');
    expect(b.tokens).toEqual([
      'the',
      'acting',
      'was',
      'terrible',
      'but',
      'the',
      'ending',
      'was',
      'not',
      'bad',
    ]);
    expect(b.terms).toEqual([
      {
        word: 'terrible',
        tokenIndex: 3,
        lexiconWeight: -3,
        weight: -3,
        negated: false,
        inCompletion: false,
      },
      {
        word: 'bad',
        tokenIndex: 9,
        lexiconWeight: -3,
        weight: 3,
        negated: true,
        inCompletion: true,
      },
    ]);
    expect(b.score).toBe(3);
    expect(b.reward).toBeCloseTo(rewardOf(3), 12);
  });

  it('agrees with the package’s own score and with groundTruthReward on the corpus', () => {
    const reviews = generateReviews({ count: 2000, seed: 11 });
    for (const r of reviews) {
      const whole = rewardBreakdown(r.text);
      expect(whole.terms.reduce((s, t) => s + t.weight, 0)).toBe(sentimentScore(r.text));
      expect(whole.reward).toBe(groundTruthReward(r.text));
    }
    // Cut at a word boundary, the completion's score is s(x + y) − s(x).
    for (const p of reviewPrefixes(reviews, { minWords: 2, maxWords: 8, seed: 1 })) {
      const text = reviews[p.reviewIndex]?.text ?? '';
      const completion = text.slice(p.text.length);
      const expected = sentimentScore(text) - sentimentScore(p.text);
      expect(rewardBreakdown(completion, p.text).score).toBe(expected);
      expect(groundTruthReward(completion, p.text)).toBeCloseTo(rewardOf(expected), 12);
    }
  });
});

describe('speed', () => {
  it('scores 10k completions well within a second or two', () => {
    const reviews = generateReviews({ count: 10_000, seed: 3 });
    const t0 = performance.now();
    let total = 0;
    for (const r of reviews) total += groundTruthReward(r.text.slice(20), r.text.slice(0, 20));
    const seconds = (performance.now() - t0) / 1000;
    expect(total).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(2); // ~0.1 s measured in Node: 1e5 rewards/s
  });
});
