/**
 * Held-out pair accuracy (issue 15): pairs of π_ref samples on the *test* prompts, labelled by
 * r*, ranked by
 *   - the learned reward model: correct when r_φ(x, y_w) > r_φ(x, y_l) (strict, as TRL);
 *   - DPO's implicit reward model r̂ = β·log π_θ(y|x)/π_ref(y|x) (paper §5, "your language
 *     model is secretly a reward model"): correct when r̂(y_w) > r̂(y_l); a tie counts ½
 *     (objectives/agreement.ts, shared with the labelling mode).
 * Both on the same pairs, from their own seed stream, so the two numbers compare directly.
 */
import type { GPT } from '../../model/gpt';
import { agreement } from '../../objectives/agreement';
import type { TokenizedPair } from '../collate';
import { samplePairs } from '../preferenceData';
import { type PairReference, precomputeReference } from '../preferenceTrainer';
import type { RewardModel } from '../rl/rewardModelTrainer';
import type { FrontierTask, SweepData } from './data';
import type { SweepConfig } from './sweepConfig';

export interface HeldOutPairs {
  pairs: TokenizedPair[];
  /** π_ref's summed log-probs of each pair's completions. */
  reference: PairReference[];
}

/** Share of pairs with chosen > rejected (strict). */
export function pairAccuracy(chosen: readonly number[], rejected: readonly number[]): number {
  if (chosen.length !== rejected.length) throw new Error('chosen and rejected differ in length');
  if (chosen.length === 0) return Number.NaN;
  let right = 0;
  chosen.forEach((c, i) => {
    if (c > (rejected[i] ?? Number.POSITIVE_INFINITY)) right++;
  });
  return right / chosen.length;
}

/**
 * K completions of each of the first `prompts` test prompts from π_ref, every pair with
 * different rewards, and π_ref's log-probs of them.
 */
export async function buildHeldOutPairs(
  reference: GPT,
  task: FrontierTask,
  data: SweepConfig['data'],
  prompts: number,
  seed: number,
  collate: SweepData['collate'],
): Promise<HeldOutPairs> {
  const test = { ...task, trainPrompts: task.evalPrompts.slice(0, prompts) };
  const sampled = await samplePairs(reference, test, { ...data, prompts, pairing: 'all' }, seed, 1);
  const cached = await precomputeReference(reference, sampled.pairs, collate, 16);
  return { pairs: sampled.pairs, reference: cached };
}

export async function rewardModelAccuracy(rm: RewardModel, held: HeldOutPairs): Promise<number> {
  const rows = (side: 'chosen' | 'rejected') =>
    held.pairs.map((p) => ({ prompt: p.prompt, completion: p[side] }));
  const [c, r] = [await rm.rawScores(rows('chosen')), await rm.rawScores(rows('rejected'))];
  return pairAccuracy(c, r);
}

/** The implicit reward's accuracy; β > 0 scales every margin alike, so it sets no rank. */
export async function implicitRewardAccuracy(
  policy: GPT,
  held: HeldOutPairs,
  beta: number,
  collate: SweepData['collate'],
): Promise<number> {
  const own = await precomputeReference(policy, held.pairs, collate, 16);
  return agreement(
    own.map((p, i) => ({
      policyChosen: p.chosen,
      policyRejected: p.rejected,
      refChosen: held.reference[i]?.chosen ?? Number.NaN,
      refRejected: held.reference[i]?.rejected ?? Number.NaN,
    })),
    beta,
  ).agreement;
}
