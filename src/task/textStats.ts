/**
 * "What changed": simple statistics of π_ref's and π_θ's samples on the same fresh prompts that
 * show a learned taste (length, exclamation marks, the ground-truth sentiment reward), and the
 * words whose log-ratio log π_θ/π_ref rose most. Plain numbers and strings: no tfjs.
 */
import { exclamations } from './labelRules';

/** One sampled completion: its text, token count and ground-truth reward r*(x, y). */
export interface StatSample {
  text: string;
  tokens: number;
  reward: number;
}

export interface TextStats {
  samples: number;
  meanTokens: number;
  meanChars: number;
  exclamationsPerSample: number;
  meanReward: number;
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Means over the samples; characters count the trimmed text. */
export function textStats(samples: readonly StatSample[]): TextStats {
  return {
    samples: samples.length,
    meanTokens: mean(samples.map((s) => s.tokens)),
    meanChars: mean(samples.map((s) => s.text.trim().length)),
    exclamationsPerSample: mean(samples.map((s) => exclamations(s.text))),
    meanReward: mean(samples.map((s) => s.reward)),
  };
}

/** A completion with its tokens' display texts and per-token log-probs under both models. */
export interface TokenLogratioSample {
  tokenTexts: readonly string[];
  policyLogps: readonly number[];
  refLogps: readonly number[];
}

export interface WordShift {
  word: string;
  /** Mean over occurrences of Σ over the word's tokens of log π_θ(y_t) − log π_ref(y_t). */
  logRatio: number;
  count: number;
}

/**
 * Tokens grouped into words: a token that starts with whitespace starts a new word, a token
 * without letters ends one (and is no word itself). A word's log-ratio is the sum over its
 * tokens: log π_θ(word | ·) − log π_ref(word | ·) by the chain rule.
 */
export function wordLogratios(sample: TokenLogratioSample): { word: string; logRatio: number }[] {
  const words: { word: string; logRatio: number }[] = [];
  let word = '';
  let ratio = 0;
  const end = () => {
    const w = word.toLowerCase().replace(/[^a-z']/g, '');
    if (/[a-z]/.test(w)) words.push({ word: w, logRatio: ratio });
    word = '';
    ratio = 0;
  };
  sample.tokenTexts.forEach((t, i) => {
    const r = (sample.policyLogps[i] ?? 0) - (sample.refLogps[i] ?? 0);
    if (!/[a-zA-Z]/.test(t)) {
      end();
      return;
    }
    if (/^\s/.test(t)) end();
    word += t;
    ratio += r;
  });
  end();
  return words;
}

/**
 * The `top` words with the largest mean log-ratio among those seen at least `minCount` times,
 * largest first (ties by word, so the order is stable).
 */
export function risingWords(
  samples: readonly TokenLogratioSample[],
  top = 8,
  minCount = 2,
): WordShift[] {
  const acc = new Map<string, { sum: number; count: number }>();
  for (const s of samples) {
    for (const { word, logRatio } of wordLogratios(s)) {
      const a = acc.get(word) ?? { sum: 0, count: 0 };
      a.sum += logRatio;
      a.count++;
      acc.set(word, a);
    }
  }
  return [...acc]
    .filter(([, a]) => a.count >= minCount)
    .map(([word, a]) => ({ word, logRatio: a.sum / a.count, count: a.count }))
    .sort((x, y) => y.logRatio - x.logRatio || x.word.localeCompare(y.word))
    .slice(0, top);
}

/** What the UI's what-changed table shows: both models' statistics, rising words, examples. */
export interface WhatChanged {
  step: number;
  ref: TextStats;
  policy: TextStats;
  rising: WordShift[];
  /** A few prompts with both completions side by side. */
  examples: { prompt: string; ref: string; policy: string; refReward: number; reward: number }[];
  /**
   * The labeller's taste in words (the word reward fitted to the labels: its favoured words)
   * and how many of them a sample of π_ref and of π_θ holds on average.
   */
  tasteWords?: { words: string[]; ref: number; policy: number };
}
