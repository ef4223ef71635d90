/**
 * The built-in sentiment task as a frontier task: training prompts from the first held-out
 * reviews, evaluation prompts from reviews EVAL_PROMPT_OFFSET on (disjoint), the AFINN reward.
 */
import { builtinPrompts, builtinTask } from '../../task/builtin';
import { groundTruthReward } from '../../task/reward';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import type { SweepConfig } from './config';
import type { FrontierTask } from './data';

/** Held-out review index where evaluation prompts start; training prompts end before it. */
export const EVAL_PROMPT_OFFSET = 1000;

export function builtinFrontierTask(
  tokenizer: BpeTokenizer,
  sweep: Pick<SweepConfig, 'data' | 'eval'>,
): FrontierTask {
  const { heldOut } = builtinTask();
  const limit = Math.min(EVAL_PROMPT_OFFSET, heldOut.length - EVAL_PROMPT_OFFSET);
  if (sweep.data.prompts > limit || sweep.eval.prompts > limit) {
    throw new Error(`the built-in task has ${limit} training and ${limit} evaluation prompts`);
  }
  return {
    tokenizer,
    trainPrompts: builtinPrompts(heldOut, sweep.data.prompts, 0),
    evalPrompts: builtinPrompts(heldOut, sweep.eval.prompts, EVAL_PROMPT_OFFSET),
    reward: groundTruthReward,
  };
}
