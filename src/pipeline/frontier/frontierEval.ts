/**
 * Frontier evaluation: fresh samples of π_θ on held-out prompts, scored by the ground-truth
 * reward, with the exact sequence KL(π_θ ‖ π_ref) of each; means and standard errors. Every
 * policy of a sweep is evaluated on the same prompts with the same seed (common random
 * numbers), so at step 0 every run reproduces the SFT point exactly.
 */
import { plainSampling } from '../../model/generate';
import type { GPT } from '../../model/gpt';
import { evaluatePolicy } from '../evaluate';
import type { TokenizedPrompt } from '../rl/rewardFunction';
import { meanStderr } from './points';

export interface FrontierEvalOptions {
  maxNewTokens: number;
  temperature: number;
  seed: number;
  eotId: number;
  decode: (ids: number[]) => string;
  /** r*(x, y): the completion scored given its prompt text. */
  reward: (completion: string, prompt: string) => number;
  /** Prompts per generate call (default 64). */
  rowsPerBatch?: number;
}

export type FrontierEval = {
  kl: number;
  klStderr: number;
  reward: number;
  rewardStderr: number;
  /** Per evaluation sample, in prompt order. */
  rewards: number[];
  kls: number[];
  /** The first prompt's sample, "prompt ⟶ completion". */
  sample: string;
};

export async function evaluateFrontier(
  policy: GPT,
  reference: GPT,
  prompts: readonly TokenizedPrompt[],
  opts: FrontierEvalOptions,
): Promise<FrontierEval> {
  if (prompts.length === 0) throw new Error('no evaluation prompts');
  const per = opts.rowsPerBatch ?? 64;
  const rewards: number[] = [];
  const kls: number[] = [];
  let sample = '';
  for (let i = 0; i < prompts.length; i += per) {
    const chunk = prompts.slice(i, i + per);
    const r = await evaluatePolicy(
      policy,
      reference,
      chunk.map((p) => p.ids),
      {
        generation: plainSampling({
          temperature: opts.temperature,
          maxNewTokens: opts.maxNewTokens,
          seed: opts.seed + i,
          eotId: opts.eotId,
        }),
        padId: opts.eotId,
        decode: opts.decode,
        reward: opts.reward, // given the prompt decoded from its ids (byte BPE: lossless)
      },
    );
    r.samples.forEach((s, j) => {
      rewards.push(s.reward);
      kls.push(s.kl);
      if (i === 0 && j === 0) sample = `${chunk[0]?.text ?? ''} ⟶ ${s.text}`;
    });
  }
  const r = meanStderr(rewards);
  const k = meanStderr(kls);
  return {
    kl: k.mean,
    klStderr: k.stderr,
    reward: r.mean,
    rewardStderr: r.stderr,
    rewards,
    kls,
    sample,
  };
}
