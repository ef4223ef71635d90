/**
 * The built-in sentiment task, assembled: the generated corpus, its train / held-out split,
 * and the prompts (2–8-word prefixes of held-out reviews). Shared by `npm run pretrain` and
 * the worker, so the shipped checkpoint and the browser see the same data.
 */
import { mulberry32 } from '../model/rng';
import { generateReviews, type Review, splitCorpus } from './corpus';
import { reviewPrefix } from './preferences';

export const BUILTIN_TASK = {
  reviews: 20_000,
  corpusSeed: 1,
  heldOutFraction: 0.1,
  splitSeed: 2,
  promptSeed: 3,
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
  const rand = mulberry32(BUILTIN_TASK.promptSeed + offset);
  return Array.from({ length: count }, (_, i) => {
    const r = heldOut[(offset + i) % heldOut.length];
    return r ? reviewPrefix(r.text, rand) : '';
  });
}
