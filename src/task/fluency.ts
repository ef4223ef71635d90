/**
 * The fluency figure of samples: the share of generated words that are words of the task's own
 * corpus vocabulary. Words are whitespace-separated, punctuation stripped (an apostrophe inside
 * a word stays: "didn't"), case-folded. Pure; no tfjs.
 *
 *   fluency = #{generated words w : w ∈ vocabulary} / #{generated words}
 *
 * pooled over all samples (a long sample weighs more than a short one, as its words do).
 */
import * as V from './vocabulary';

/** A text's words: split on whitespace, punctuation stripped, case-folded; empties dropped. */
export function fluencyWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) =>
      w
        .toLowerCase()
        .replace(/[^\p{L}\p{N}']/gu, '')
        .replace(/^'+|'+$/g, ''),
    )
    .filter((w) => w.length > 0);
}

/** Words the generator writes itself, outside the word lists (corpus.ts: articles, "be", joins). */
const GENERATOR_WORDS = ["a an and overall although is are was were isn't aren't wasn't weren't"];

/** Every string in a (nested) export of vocabulary.ts. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

let cached: ReadonlySet<string> | undefined;

/**
 * The corpus vocabulary: every word of the generator's word lists and templates (slots like
 * `{adj}` dropped) plus the words it inserts itself. A test checks that it covers every word
 * of the generated corpus.
 */
export function corpusVocabulary(): ReadonlySet<string> {
  if (cached) return cached;
  const words = new Set<string>();
  for (const s of [...strings(Object.values(V)), ...GENERATOR_WORDS]) {
    for (const w of fluencyWords(s.replace(/\{[a-z-]+\}/g, ' '))) words.add(w);
  }
  cached = words;
  return words;
}

export interface FluencyCount {
  /** Generated words found in the vocabulary. */
  known: number;
  /** All generated words counted. */
  total: number;
}

/**
 * Counts the words of one completion. `cut`: the sample ran out of tokens instead of ending
 * with end-of-text, so its last word may be a word cut in half; it is left out of the count.
 */
export function countFluency(
  text: string,
  vocabulary: ReadonlySet<string>,
  cut = false,
): FluencyCount {
  const words = fluencyWords(text);
  if (cut) words.pop();
  return { known: words.filter((w) => vocabulary.has(w)).length, total: words.length };
}

/** Pooled share of known words over samples; NaN when there is no word at all. */
export function fluency(
  samples: readonly { text: string; cut?: boolean }[],
  vocabulary: ReadonlySet<string> = corpusVocabulary(),
): number {
  let known = 0;
  let total = 0;
  for (const s of samples) {
    const c = countFluency(s.text, vocabulary, s.cut ?? false);
    known += c.known;
    total += c.total;
  }
  return total > 0 ? known / total : Number.NaN;
}
