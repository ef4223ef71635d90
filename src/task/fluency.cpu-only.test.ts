import { describe, expect, it } from 'vitest';
import { generateReviews } from './corpus';
import { corpusVocabulary, countFluency, fluency, fluencyWords } from './fluency';

describe('fluency', () => {
  it('splits on whitespace, strips punctuation, keeps inner apostrophes, case-folds', () => {
    expect(fluencyWords('  The plot WAS great!  I didn\'t ... "like" it, -- 8/10.')).toEqual([
      'the',
      'plot',
      'was',
      'great',
      'i',
      "didn't",
      'like',
      'it',
      '810',
    ]);
    expect(fluencyWords("'quoted' ...")).toEqual(['quoted']);
  });

  it('covers every word of the generated corpus, and no slot names', () => {
    const vocab = corpusVocabulary();
    const reviews = generateReviews({ count: 3000, seed: 11 });
    const missing = new Set<string>();
    for (const r of reviews)
      for (const w of fluencyWords(r.text)) if (!vocab.has(w)) missing.add(w);
    expect([...missing]).toEqual([]);
    expect(fluency(reviews.map((r) => ({ text: r.text })))).toBe(1);
    for (const slot of ['adj', 'a-adj', 'subject', 'benot']) expect(vocab.has(slot)).toBe(false);
    // Bounded: a few hundred words, not a dictionary.
    expect(vocab.size).toBeGreaterThan(300);
    expect(vocab.size).toBeLessThan(1000);
  });

  it('counts known words, pooled over samples (hand-computed)', () => {
    const vocab = new Set(['the', 'plot', 'was', 'great']);
    expect(countFluency('The plot was grat.', vocab)).toEqual({ known: 3, total: 4 });
    // 3 + 2 known of 4 + 3 words: 5/7, not the mean of 3/4 and 2/3.
    expect(
      fluency([{ text: 'The plot was grat.' }, { text: 'great plot xyz' }], vocab),
    ).toBeCloseTo(5 / 7, 12);
    expect(fluency([{ text: ' ... ' }], vocab)).toBeNaN();
  });

  it('leaves out the last word of a cut sample', () => {
    const vocab = new Set(['the', 'plot', 'was']);
    expect(countFluency('the plot was gre', vocab, true)).toEqual({ known: 3, total: 3 });
    expect(countFluency('the plot was gre', vocab, false)).toEqual({ known: 3, total: 4 });
    expect(fluency([{ text: 'wonder', cut: true }], vocab)).toBeNaN();
  });

  it('scores broken English below the corpus (nano-style samples)', () => {
    const f = fluency([
      { text: 'Shift on the wekell. Worth every min' },
      { text: 'Nor azing. Overall, I enjoy it!' },
    ]);
    // wekell, min, nor, azing are not corpus words; the other 9 of 13 are ("shift": The Night
    // Shift, a title).
    expect(f).toBeCloseTo(9 / 13, 12);
  });
});
