/**
 * The built-in sentiment task as a frontier task: the prefixes of every held-out review,
 * deduplicated and split by a hash of their text into train / validation / test sets that are
 * disjoint by content, no prompt a word-prefix of another set's (task/promptSplit.ts); the AFINN reward. Hyperparameters are chosen with
 * `evalSplit: 'validation'`; reported figures use 'test'.
 */
import { builtinPrompts, builtinTask } from '../../task/builtin';
import { type PromptSplit, type PromptSplitName, splitPrompts } from '../../task/promptSplit';
import { groundTruthReward } from '../../task/reward';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import type { FrontierTask } from './data';
import type { SweepConfig } from './sweepConfig';

let cached: PromptSplit | undefined;

/** The built-in task's three prompt sets (756 / 256 / 367 distinct prefixes). */
function builtinPromptSplit(): PromptSplit {
  if (!cached) {
    const { heldOut } = builtinTask();
    cached = splitPrompts(builtinPrompts(heldOut, heldOut.length, 0));
  }
  return cached;
}

export function builtinFrontierTask(
  tokenizer: BpeTokenizer,
  sweep: Pick<SweepConfig, 'data' | 'eval'>,
  evalSplit: Exclude<PromptSplitName, 'train'> = 'test',
): FrontierTask {
  const split = builtinPromptSplit();
  const evalPrompts = split[evalSplit];
  if (sweep.data.prompts > split.train.length) {
    throw new Error(
      `data.prompts is ${sweep.data.prompts}: the built-in task has ${split.train.length} training prompts`,
    );
  }
  if (sweep.eval.prompts > evalPrompts.length) {
    throw new Error(
      `eval.prompts is ${sweep.eval.prompts}: the built-in task has ${evalPrompts.length} ${evalSplit} prompts`,
    );
  }
  return {
    tokenizer,
    trainPrompts: split.train.slice(0, sweep.data.prompts),
    evalPrompts: evalPrompts.slice(0, sweep.eval.prompts),
    validationPrompts: split.validation,
    reward: groundTruthReward,
  };
}
