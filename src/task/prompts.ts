/**
 * Prompts x of the sentiment task: short prefixes of held-out reviews (the paper: 2–8 tokens
 * of an IMDb review; we cut 2–8 words at word boundaries and leave tokenising to the caller).
 */
import type { Review, ReviewSentiment } from './corpus';
import { integerBetween, mulberry32, type Rand } from './random';

export interface ReviewPrompt {
  /** The review's first n words, exactly as written (its own spacing and punctuation). */
  text: string;
  /** Where it came from: index into the reviews given, and that review's label. */
  reviewIndex: number;
  reviewSentiment: ReviewSentiment;
}

export interface PrefixOptions {
  minWords: number;
  maxWords: number;
  seed: number;
}

/**
 * The first n words of `text`, n uniform in [minWords, min(maxWords, words − 1)] so at least
 * one word is left to continue; null when the text has no more than minWords words.
 */
export function reviewPrefix(text: string, rand: Rand, minWords = 2, maxWords = 8): string | null {
  if (!(Number.isInteger(minWords) && minWords >= 1 && maxWords >= minWords)) {
    throw new Error(`need 1 ≤ minWords ≤ maxWords, got ${minWords}, ${maxWords}`);
  }
  const wordEnds = Array.from(text.matchAll(/\S+/g), (m) => m.index + m[0].length);
  const longest = Math.min(maxWords, wordEnds.length - 1);
  if (longest < minWords) return null;
  const end = wordEnds[integerBetween(rand, minWords, longest) - 1];
  return end === undefined ? null : text.slice(0, end);
}

/** One prefix per review long enough to have one, in order; deterministic for the seed. */
export function reviewPrefixes(reviews: readonly Review[], opts: PrefixOptions): ReviewPrompt[] {
  const rand = mulberry32(opts.seed);
  const prompts: ReviewPrompt[] = [];
  reviews.forEach((review, reviewIndex) => {
    const text = reviewPrefix(review.text, rand, opts.minWords, opts.maxWords);
    if (text !== null) prompts.push({ text, reviewIndex, reviewSentiment: review.sentiment });
  });
  return prompts;
}
