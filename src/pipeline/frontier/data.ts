/**
 * The preference data of a sweep, built once and shared by every run: K completions per
 * training prompt sampled from π_ref, labelled by the ground-truth reward (the paper's
 * Task 1), and π_ref's log-probs of every pair cached for the reference-based losses.
 */
import type { GPT } from '../../model/gpt';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import type { FrontierTask, SweepData } from '../algorithms/algorithm';
import { samplePairs } from '../preferenceData';
import { precomputeReference } from '../preferenceTrainer';
import type { TokenizedPrompt } from '../rl/rewardFunction';
import type { SweepConfig } from './sweepConfig';

export type { FrontierTask, SweepData } from '../algorithms/algorithm';

export function tokenizePrompts(
  tokenizer: BpeTokenizer,
  texts: readonly string[],
): TokenizedPrompt[] {
  return texts.map((text) => ({
    ids: [tokenizer.eot, ...tokenizer.encode(text)],
    text,
  }));
}

/** Samples and labels (samplePairs, as the playground's first round), then caches π_ref. */
export async function buildSweepData(
  reference: GPT,
  task: FrontierTask,
  d: SweepConfig['data'],
  seed: number,
  onProgress?: (stage: 'sampling' | 'reference', done: number, total: number) => void,
): Promise<SweepData> {
  const { tokenizer } = task;
  const prompts = tokenizePrompts(tokenizer, task.trainPrompts.slice(0, d.prompts));
  if (prompts.length === 0) throw new Error('the task has no training prompts');
  const data = await samplePairs(reference, task, d, seed, 1, (done, total) =>
    onProgress?.('sampling', done, total),
  );
  if (data.pairs.length === 0) throw new Error('every sampled pair was a tie: no preferences');
  const collate = {
    padId: tokenizer.eot,
    maxLength: reference.config.blockSize,
  };
  const cached = await precomputeReference(reference, data.pairs, collate, 16, (done, total) =>
    onProgress?.('reference', done, total),
  );
  return { ...data, prompts, reference: cached, collate };
}
