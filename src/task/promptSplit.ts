/**
 * Train / validation / test prompt sets disjoint by construction. Templated reviews share
 * their first words, so distinct reviews do not give distinct prompts (the issue-15 audit: 185
 * of 512 evaluation prompts were verbatim training prompts). Prompts are deduplicated by their
 * text, then each distinct text goes to one set by a hash of the text alone: the same prefix
 * always lands in the same set, whichever review it came from and whatever else is in the list.
 *
 *   bucket(x) = fnv1a32(x) mod 1000;  train if bucket < 1000·f_train,
 *   validation if < 1000·(f_train + f_validation), else test.
 */

const PROMPT_SPLITS = ['train', 'validation', 'test'] as const;
export type PromptSplitName = (typeof PROMPT_SPLITS)[number];
export type PromptSplit = Record<PromptSplitName, string[]>;

/** Shares of the distinct prompts; the test share is what is left. */
export interface SplitFractions {
  train: number;
  validation: number;
}

const DEFAULT_SPLIT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2 };

/** FNV-1a over the UTF-16 code units of `text`: a 32-bit unsigned hash. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The set a prompt text belongs to. */
export function splitOf(
  text: string,
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): PromptSplitName {
  const bucket = fnv1a32(text) % 1000;
  if (bucket < 1000 * fractions.train) return 'train';
  if (bucket < 1000 * (fractions.train + fractions.validation)) return 'validation';
  return 'test';
}

/** Distinct prompts by set, each in order of first appearance. */
export function splitPrompts(
  prompts: readonly string[],
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): PromptSplit {
  const { train, validation } = fractions;
  if (!(train > 0 && validation >= 0 && train + validation < 1)) {
    throw new Error('split fractions need train > 0, validation ≥ 0 and train + validation < 1');
  }
  const out: PromptSplit = { train: [], validation: [], test: [] };
  const seen = new Set<string>();
  for (const text of prompts) {
    if (seen.has(text)) continue;
    seen.add(text);
    out[splitOf(text, fractions)].push(text);
  }
  return out;
}
