/**
 * Online DPO in a sweep: the run's steps in `rounds` equal rounds; round 1 trains on the
 * sweep's π_ref pairs, each later round on pairs sampled from the current π_θ (the sweep's
 * prompts, K and generation settings), labelled by r*, with π_ref's log-probs of them (the
 * playground's online rounds, preferenceData.ts). Adam's state carries over between rounds.
 */
import type { GPT } from '../../model/gpt';
import { samplePairs } from '../preferenceData';
import { type PreferenceTrainer, precomputeReference } from '../preferenceTrainer';
import type { AlgorithmTrainer, SweepContext } from './algorithm';

/** Round r (1-based) starts after this many steps: ⌊(r − 1) · steps / rounds⌋. */
function roundStart(round: number, rounds: number, steps: number): number {
  return Math.floor(((round - 1) * steps) / rounds);
}

export function onlineRounds(
  trainer: PreferenceTrainer,
  rounds: number,
  train: { steps: number; seed: number },
  ctx: SweepContext,
  policy: GPT,
): AlgorithmTrainer {
  const { sampling } = ctx;
  if (!sampling) throw new Error("online DPO needs the sweep's sampling settings");
  let step = 0;
  let round = 1;
  return {
    async trainStep(log) {
      if (round < rounds && step === roundStart(round + 1, rounds, train.steps)) {
        round++;
        const fresh = await samplePairs(policy, ctx.task, sampling, train.seed, round);
        if (fresh.pairs.length > 0) {
          const ref = await precomputeReference(ctx.reference, fresh.pairs, ctx.data.collate, 16);
          trainer.setData(fresh.pairs, ref, train.seed + round, step);
        }
      }
      step++;
      return trainer.trainStep(log);
    },
    dispose: () => trainer.dispose(),
  };
}
