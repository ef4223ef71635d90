import { describe, expect, it } from 'vitest';
import { applyRule, exclamations, ruleScore, wordHits } from './labelRules';
import { risingWords, textStats, wordLogratios } from './textStats';

describe('textStats', () => {
  it('averages tokens, trimmed characters, "!" and reward over the samples', () => {
    const s = textStats([
      { text: ' great!! ', tokens: 4, reward: 0.9 },
      { text: ' bad.', tokens: 2, reward: 0.1 },
    ]);
    // chars: "great!!" = 7, "bad." = 4 → 5.5; "!": 2, 0 → 1
    expect(s).toEqual({
      samples: 2,
      meanTokens: 3,
      meanChars: 5.5,
      exclamationsPerSample: 1,
      meanReward: 0.5,
    });
    expect(textStats([]).meanChars).toBeNaN();
  });
});

describe('wordLogratios', () => {
  it('joins tokens into words at leading spaces, sums their log-ratios, drops punctuation', () => {
    const w = wordLogratios({
      tokenTexts: [' gre', 'at', '!', ' Fil', 'm', '.', ' ok'],
      policyLogps: [-1, -2, -0.5, -3, -1, -0.1, -2],
      refLogps: [-2, -2.5, -1, -3.5, -1, -0.2, -1],
    });
    // great: (−1+2) + (−2+2.5) = 1.5; film: 0.5 + 0 = 0.5; ok: −1
    expect(w).toEqual([
      { word: 'great', logRatio: 1.5 },
      { word: 'film', logRatio: 0.5 },
      { word: 'ok', logRatio: -1 },
    ]);
  });
});

describe('risingWords', () => {
  it('ranks words seen often enough by their mean log-ratio', () => {
    const s = (texts: string[], ratios: number[]) => ({
      tokenTexts: texts,
      policyLogps: ratios,
      refLogps: ratios.map(() => 0),
    });
    const r = risingWords(
      [s([' fun', ' dull', ' rare'], [2, -1, 9]), s([' fun', ' dull'], [1, 0.5])],
      5,
      2,
    );
    // fun: (2 + 1)/2 = 1.5; dull: (−1 + 0.5)/2 = −0.25; rare is seen once
    expect(r).toEqual([
      { word: 'fun', logRatio: 1.5, count: 2 },
      { word: 'dull', logRatio: -0.25, count: 2 },
    ]);
  });
});

describe('label rules', () => {
  it('prefer the shorter text, more "!", or more of the word set; equal is a tie', () => {
    expect(applyRule('shorter', ' a fine film.', ' fine.')).toBe('b');
    expect(applyRule('shorter', ' ok ', 'ok')).toBe('tie');
    expect(applyRule('exclaim', 'wow!!', 'wow!')).toBe('a');
    expect(applyRule('words', 'the cast and the acting', 'the actors')).toBe('a');
    expect(exclamations('a!b!c')).toBe(2);
    expect(wordHits('Acting, actors; CAST.')).toBe(3);
    expect(ruleScore('shorter', '  abc ')).toBe(-3);
  });
});
