import { describe, expect, it } from 'vitest';
import { builtinPrompts, builtinTask } from './builtin';
import { generateReviews, splitCorpus } from './corpus';
import { reviewPrefix, reviewPrefixes } from './prompts';
import { mulberry32 } from './random';

const reviews = generateReviews({ count: 4000, seed: 5 });
const { train, heldOut } = splitCorpus(reviews, { heldOutFraction: 0.25, seed: 6 });
const options = { minWords: 2, maxWords: 8, seed: 9 };
const prompts = reviewPrefixes(heldOut, options);
const wordCount = (text: string) => text.split(/\s+/).length;

describe('reviewPrefixes', () => {
  it('cuts 2–8 words, at word boundaries, of held-out reviews only', () => {
    expect(prompts).toHaveLength(heldOut.length);
    const trainTexts = new Set(train.map((r) => r.text));
    for (const p of prompts) {
      const source = heldOut[p.reviewIndex];
      expect(source?.sentiment).toBe(p.reviewSentiment);
      const text = source?.text ?? '';
      expect(text.startsWith(p.text)).toBe(true);
      expect(text.charAt(p.text.length)).toBe(' ');
      expect(wordCount(p.text)).toBeGreaterThanOrEqual(2);
      expect(wordCount(p.text)).toBeLessThanOrEqual(8);
      expect(trainTexts.has(text)).toBe(false);
    }
  });

  it('uses every length from 2 to 8 words', () => {
    const lengths = new Set(prompts.map((p) => wordCount(p.text)));
    expect([...lengths].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('is deterministic for the seed', () => {
    expect(reviewPrefixes(heldOut, options)).toEqual(prompts);
    expect(reviewPrefixes(heldOut, { ...options, seed: 10 })).not.toEqual(prompts);
  });
});

describe('reviewPrefix', () => {
  it('leaves at least one word to continue, and skips texts too short for that', () => {
    const rand = mulberry32(1);
    expect(reviewPrefix('Great film', rand)).toBeNull();
    expect(reviewPrefix('A great film', rand)).toBe('A great');
    for (let i = 0; i < 50; i++) {
      expect(reviewPrefix('one two three four', rand)).toMatch(/^one two( three)?$/);
    }
    expect(() => reviewPrefix('a b c', rand, 3, 2)).toThrow();
  });
});

describe('builtinPrompts', () => {
  it('gives the requested number of prompts, the same every time', () => {
    const task = builtinTask();
    const trainPrompts = builtinPrompts(task.heldOut, 32, 0);
    expect(trainPrompts).toHaveLength(32);
    expect(builtinPrompts(task.heldOut, 32, 0)).toEqual(trainPrompts);
    for (const p of trainPrompts) expect(wordCount(p)).toBeGreaterThanOrEqual(2);
  });
});
