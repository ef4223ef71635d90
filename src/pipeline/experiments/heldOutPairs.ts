/**
 * A fixed set of held-out preference pairs: π_ref's samples on the evaluation prompts,
 * labelled by the reward once per run. The implicit reward r̂ = β·log π_θ/π_ref ranks them at
 * every evaluation (`eval/pair_accuracy`): unlike `rewards/accuracies`, which is measured on
 * the batch being trained on (fresh pairs at each online round), this set never changes, so
 * its line shows whether DPO's implicit reward model generalises (the paper's title claim).
 */
import type { GPT } from '../../model/gpt';
import type { CollateOptions, TokenizedPair } from '../collate';
import { type SamplingTask, samplePairs } from '../preferenceData';
import { type PairReference, precomputeReference } from '../preferenceTrainer';
import type { DpoRunSettings } from '../settings';

/** Held-out pairs: prompts taken from the evaluation prompts, K = 4, every ranked pair. */
const HELD_OUT_PROMPTS = 32;
/** A round number no training round reaches: its own generation seeds. */
const HELD_OUT_ROUND = 1_000;

export interface HeldOutPairs {
  pairs: TokenizedPair[];
  reference: PairReference[];
}

/** Samples and labels the held-out pairs from π_ref and caches π_ref's log-probs of them. */
export async function heldOutPairs(
  reference: GPT,
  task: SamplingTask & { evalPrompts: string[] },
  settings: DpoRunSettings,
  collate: CollateOptions,
): Promise<HeldOutPairs | null> {
  if (!task.reward) return null;
  const prompts = task.evalPrompts.slice(0, HELD_OUT_PROMPTS);
  const data = await samplePairs(
    reference,
    { ...task, trainPrompts: prompts },
    { ...settings.data, prompts: prompts.length, completionsPerPrompt: 4, pairing: 'all' },
    settings.seed,
    HELD_OUT_ROUND,
  );
  if (data.pairs.length === 0) return null;
  const ref = await precomputeReference(reference, data.pairs, collate, 16);
  return { pairs: data.pairs, reference: ref };
}

/** Share of held-out pairs whose implicit reward ranks the chosen above the rejected. */
export async function heldOutAccuracy(
  policy: GPT,
  held: HeldOutPairs,
  collate: CollateOptions,
): Promise<number> {
  const pol = await precomputeReference(policy, held.pairs, collate, 16);
  let right = 0;
  pol.forEach((p, i) => {
    const r = held.reference[i];
    if (r && p.chosen - r.chosen > p.rejected - r.rejected) right++;
  });
  return right / pol.length;
}
