import { describe, expect, it } from 'vitest';
import { generateReviews, type ReviewSentiment, SENTIMENT_SHARES, splitCorpus } from './corpus';
import { groundTruthReward, sentimentScore } from './reward';
import * as V from './vocabulary';

const reviews = generateReviews({ count: 10_000, seed: 7 });
const words = (text: string) => text.split(/\s+/);
const withLabel = (s: ReviewSentiment) => reviews.filter((r) => r.sentiment === s);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** FNV-1a, to pin the corpus: a changed generator silently changes every trained checkpoint. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

describe('generateReviews', () => {
  it('is deterministic for (count, seed) and differs across seeds', () => {
    expect(generateReviews({ count: 10_000, seed: 7 })).toEqual(reviews);
    expect(generateReviews({ count: 300, seed: 7 })).toEqual(reviews.slice(0, 300));
    const other = generateReviews({ count: 300, seed: 8 });
    const shared = other.filter((r, i) => r.text === reviews[i]?.text).length;
    expect(shared).toBe(0);
  });

  it('matches the pinned corpus (the same in Chromium workers; bump on purpose)', () => {
    const corpus = generateReviews({ count: 5000, seed: 7 });
    expect(fnv1a(corpus.map((r) => r.sentiment + r.text).join('\n'))).toBe('ce13a5e2');
  });

  it('draws labels in the configured shares', () => {
    for (const [label, share] of Object.entries(SENTIMENT_SHARES)) {
      expect(withLabel(label as ReviewSentiment).length / reviews.length).toBeCloseTo(share, 1);
      expect(
        Math.abs(withLabel(label as ReviewSentiment).length / reviews.length - share),
      ).toBeLessThan(0.02);
    }
  });

  it('gives distinct reviews of 1–4 sentences and 12–60 words', () => {
    expect(new Set(reviews.map((r) => r.text)).size).toBe(reviews.length);
    const lengths = reviews.map((r) => words(r.text).length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(12);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(60);
    expect(mean(lengths)).toBeGreaterThan(15);
    expect(mean(lengths)).toBeLessThan(35);
    for (const r of reviews.slice(0, 2000)) {
      const sentences = r.text.split(/(?<=[.!])\s+(?=[A-Z])/);
      expect(sentences.length).toBeGreaterThanOrEqual(1);
      expect(sentences.length).toBeLessThanOrEqual(4);
      expect(r.text).toMatch(/^[A-Z].*[.!]$/);
    }
  });

  it('keeps a bounded, plain-ASCII vocabulary', () => {
    for (const r of reviews) expect(r.text).toMatch(/^[A-Za-z ,.!']+$/);
    const distinct = new Set(
      reviews.flatMap((r) => words(r.text.toLowerCase().replace(/[,.!]/g, ''))),
    );
    expect(distinct.size).toBeLessThan(450);
  });
});

describe('vocabulary', () => {
  it('filler words carry no AFINN weight', () => {
    const filler = [
      ...V.TITLES,
      ...V.GENRES,
      ...V.NAMES,
      ...V.ROLES,
      ...V.PLOTS,
      ...V.PLACES,
      ...V.COMPANIONS,
      ...V.OCCASIONS,
      ...V.SUBJECTS,
      ...V.PLURAL_SUBJECTS,
      ...V.FILM_REFERENCES,
      ...V.INTENSIFIERS,
      ...V.NEUTRAL_ADJECTIVES,
      ...V.DISCOURSE_MARKERS,
      ...V.PARTICIPLES,
      ...V.JUDGEMENTS,
      ...V.NEUTRAL_SENTENCES,
      ...V.EVENT_INTROS,
      ...V.FACT_INTROS,
      ...V.VERDICTS.neutral,
      ...V.MIXED_VERDICTS,
      ...V.CONTRAST_CONNECTIVES,
    ];
    expect(filler.filter((w) => sentimentScore(w) !== 0)).toEqual([]);
  });

  it('graded words and tone-specific phrases have the sign of their tone', () => {
    // Slots replaced by neutral words, so only the template's own words score.
    const filled = (t: string) =>
      t
        .replaceAll('{benot}', "wasn't")
        .replace(/\{(be|was)\}/g, 'was')
        .replace(/\{[a-z-]+\}/g, 'the plot');
    for (const [tone, sign] of [
      ['positive', 1],
      ['negative', -1],
    ] as const) {
      const grades = V.ADJECTIVES[tone];
      const phrases = [
        ...grades.strong,
        ...grades.moderate,
        ...grades.mild,
        ...V.MANNER_ADVERBS[tone],
        ...V.AFFECT_VERBS[tone],
        ...V.TONE_JUDGEMENTS[tone].map(filled),
        ...V.VERDICTS[tone].map(filled),
      ];
      expect(phrases.filter((p) => Math.sign(sentimentScore(p)) !== sign)).toEqual([]);
    }
  });
});

describe('ground-truth reward on the corpus', () => {
  const rewards = (s: ReviewSentiment) => withLabel(s).map((r) => groundTruthReward(r.text));

  it('agrees with the generator’s labels', () => {
    const positive = rewards('positive');
    const neutral = rewards('neutral');
    const negative = rewards('negative');
    expect(mean(positive)).toBeGreaterThan(mean(neutral));
    expect(mean(neutral)).toBeGreaterThan(mean(negative));
    expect(positive.filter((r) => r > 0.5).length / positive.length).toBeGreaterThan(0.95);
    expect(negative.filter((r) => r < 0.5).length / negative.length).toBeGreaterThan(0.95);
    expect(neutral.filter((r) => r === 0.5).length / neutral.length).toBeGreaterThan(0.95);
    // Mixed reviews land on both sides.
    const mixed = rewards('mixed');
    expect(mixed.filter((r) => r > 0.5).length).toBeGreaterThan(mixed.length / 5);
    expect(mixed.filter((r) => r < 0.5).length).toBeGreaterThan(mixed.length / 10);
  });
});

describe('splitCorpus', () => {
  const { train, heldOut } = splitCorpus(reviews, { heldOutFraction: 0.1, seed: 2 });

  it('holds out exactly round(n · fraction) reviews, disjoint, order kept', () => {
    expect(heldOut).toHaveLength(1000);
    expect(train).toHaveLength(9000);
    const heldOutTexts = new Set(heldOut.map((r) => r.text));
    expect(train.filter((r) => heldOutTexts.has(r.text))).toEqual([]);
    const position = new Map(reviews.map((r, i) => [r.text, i]));
    const ordered = (xs: typeof reviews) =>
      xs.every(
        (r, i) =>
          i === 0 || (position.get(r.text) ?? 0) > (position.get(xs[i - 1]?.text ?? '') ?? 0),
      );
    expect(ordered(train) && ordered(heldOut)).toBe(true);
  });

  it('is deterministic for the seed', () => {
    expect(splitCorpus(reviews, { heldOutFraction: 0.1, seed: 2 }).heldOut).toEqual(heldOut);
    expect(splitCorpus(reviews, { heldOutFraction: 0.1, seed: 3 }).heldOut).not.toEqual(heldOut);
    expect(splitCorpus(reviews, { heldOutFraction: 0, seed: 2 }).heldOut).toEqual([]);
    expect(() => splitCorpus(reviews, { heldOutFraction: 1.5, seed: 2 })).toThrow();
  });
});
