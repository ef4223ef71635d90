/**
 * The built-in sentiment task, assembled: the generated corpus, its train / held-out split,
 * and the prompts (2–8-word prefixes of held-out reviews). Shared by `npm run pretrain` and
 * the worker, so the shipped checkpoint and the browser see the same data.
 */
import { generateReviews, type Review, splitCorpus } from './corpus';
import { reviewPrefixes } from './prompts';

const BUILTIN_TASK = {
  reviews: 20_000,
  corpusSeed: 1,
  heldOutFraction: 0.1,
  splitSeed: 2,
  promptSeed: 3,
  promptMinWords: 2,
  promptMaxWords: 8,
} as const;

export interface BuiltinTask {
  train: Review[];
  heldOut: Review[];
}

export function builtinTask(): BuiltinTask {
  const reviews = generateReviews({ count: BUILTIN_TASK.reviews, seed: BUILTIN_TASK.corpusSeed });
  return splitCorpus(reviews, {
    heldOutFraction: BUILTIN_TASK.heldOutFraction,
    seed: BUILTIN_TASK.splitSeed,
  });
}

/** `count` prompts from held-out reviews, starting at review `offset` (train vs eval sets). */
export function builtinPrompts(heldOut: Review[], count: number, offset: number): string[] {
  if (heldOut.length === 0) return [];
  const sources = Array.from(
    { length: count },
    (_, i) => heldOut[(offset + i) % heldOut.length] as Review,
  );
  return reviewPrefixes(sources, {
    minWords: BUILTIN_TASK.promptMinWords,
    maxWords: BUILTIN_TASK.promptMaxWords,
    seed: BUILTIN_TASK.promptSeed + offset,
  }).map((p) => p.text);
}
