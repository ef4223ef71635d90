/**
 * The preference data of a sweep, built once and shared by every run: K completions per
 * training prompt sampled from π_ref, labelled by the ground-truth reward (the paper's
 * Task 1), and π_ref's log-probs of every pair cached for the reference-based losses.
 */
import { generate } from '../../model/generate';
import type { GPT } from '../../model/gpt';
import { makePairs } from '../../task/preferences';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import type { CollateOptions, TokenizedPair } from '../collate';
import { type PairReference, precomputeReference } from '../preferenceTrainer';
import type { TokenizedPrompt } from '../rl/reward';
import type { SweepConfig } from './config';

/** What a sweep runs on: the tokenizer, disjoint prompt sets, the ground-truth reward. */
export interface FrontierTask {
  tokenizer: BpeTokenizer;
  /** Prompts for the preference data and for PPO's rollouts. */
  trainPrompts: string[];
  /** Held-out prompts for evaluation and Best-of-N. */
  evalPrompts: string[];
  /** r*(x, y) of a completion given its prompt text. */
  reward: (completion: string, prompt: string) => number;
}

export interface PairText {
  prompt: string;
  chosen: string;
  rejected: string;
  chosenReward: number;
  rejectedReward: number;
}

export interface PreferenceData {
  prompts: TokenizedPrompt[];
  pairs: TokenizedPair[];
  texts: PairText[];
  /** π_ref's summed log-probs of each pair's completions. */
  reference: PairReference[];
  collate: CollateOptions;
}

export function tokenizePrompts(
  tokenizer: BpeTokenizer,
  texts: readonly string[],
): TokenizedPrompt[] {
  return texts.map((text) => ({ ids: [tokenizer.eot, ...tokenizer.encode(text)], text }));
}

/** Samples, labels and caches; ties (equal rewards) make no pair. */
export async function buildPreferenceData(
  reference: GPT,
  task: FrontierTask,
  d: SweepConfig['data'],
  onProgress?: (stage: 'sampling' | 'reference', done: number, total: number) => void,
): Promise<PreferenceData> {
  const { tokenizer } = task;
  const prompts = tokenizePrompts(tokenizer, task.trainPrompts.slice(0, d.prompts));
  if (prompts.length === 0) throw new Error('the task has no training prompts');
  const K = d.completionsPerPrompt;
  const pairs: TokenizedPair[] = [];
  const texts: PairText[] = [];
  const perCall = Math.max(1, Math.floor(64 / K));
  for (let i = 0; i < prompts.length; i += perCall) {
    const group = prompts.slice(i, i + perCall);
    const g = await generate(
      reference,
      group.flatMap((p) => Array.from({ length: K }, () => p.ids)),
      {
        temperature: d.temperature,
        topK: 0,
        topP: 1,
        maxNewTokens: d.maxNewTokens,
        seed: d.seed + i,
        eotId: tokenizer.eot,
      },
    );
    group.forEach((p, j) => {
      const scored = Array.from({ length: K }, (_, k) => {
        const tokens = g.tokens[j * K + k] ?? [];
        const text = tokenizer.decode(tokens.filter((t) => t !== tokenizer.eot));
        return { item: { tokens, text }, reward: task.reward(text, p.text) };
      });
      for (const pair of makePairs(scored, d.pairing)) {
        pairs.push({ prompt: p.ids, chosen: pair.chosen.tokens, rejected: pair.rejected.tokens });
        texts.push({
          prompt: p.text,
          chosen: pair.chosen.text,
          rejected: pair.rejected.text,
          chosenReward: pair.chosenReward,
          rejectedReward: pair.rejectedReward,
        });
      }
    });
    onProgress?.('sampling', Math.min(prompts.length, i + perCall), prompts.length);
  }
  if (pairs.length === 0) throw new Error('every sampled pair was a tie: no preferences');
  const collate = { padId: tokenizer.eot, maxLength: reference.config.blockSize };
  const cached = await precomputeReference(reference, pairs, collate, 16, (done, total) =>
    onProgress?.('reference', done, total),
  );
  return { prompts, pairs, texts, reference: cached, collate };
}
