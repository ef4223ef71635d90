/**
 * A run in training behind one interface: the sweep steps it and evaluates its policy on a
 * schedule, so every algorithm yields frontier points the same way. The trainers are the
 * registry's (algorithms/make.ts); the reward model of PPO and Best-of-N is trained here.
 */
import type { GPT } from '../../model/gpt';
import {
  type AlgorithmTrainer,
  MAKE_TRAINER,
  type MakeTrainer,
  type SweepContext,
} from '../algorithms/make';
import { ALGORITHMS, type TrainedAlgorithm } from '../algorithms/registry';
import { type RewardModel, RewardModelTrainer } from '../rl/rewardModelTrainer';
import type { SweepData } from './data';
import type { ResolvedRun, RewardModelSettings } from './sweepConfig';

export type { SweepContext } from '../algorithms/make';

/** A policy in training: a copy of the SFT model that `trainStep` updates in place. */
export interface PolicyTraining extends AlgorithmTrainer {
  readonly policy: GPT;
}

export type TrainedRun = ResolvedRun & { algorithm: TrainedAlgorithm };

export function isTrained(run: ResolvedRun): run is TrainedRun {
  return ALGORITHMS[run.algorithm].kind === 'trained';
}

export async function startTraining(run: TrainedRun, ctx: SweepContext): Promise<PolicyTraining> {
  const policy = ctx.sft.clone(true);
  try {
    const make = MAKE_TRAINER[run.algorithm] as MakeTrainer<TrainedAlgorithm>;
    const trainer = await make(run, ctx, policy);
    return {
      policy,
      trainStep: (log) => trainer.trainStep(log),
      dispose: () => {
        trainer.dispose();
        policy.dispose();
      },
    };
  } catch (e) {
    policy.dispose();
    throw e;
  }
}

/** Trains the Bradley–Terry reward model on the sweep's pairs (a copy of the SFT model). */
export async function trainRewardModel(
  sft: GPT,
  data: SweepData,
  s: RewardModelSettings,
  seed: number,
  onLog?: (step: number, metrics: Record<string, number>) => void,
): Promise<RewardModel> {
  const trainer = new RewardModelTrainer(
    sft,
    data.pairs,
    {
      optim: { kind: 'adam', lr: s.lr, warmupSteps: 5, maxGradNorm: 10 },
      batchSize: s.batchSize,
      seed,
      head: s.head,
    },
    data.collate,
  );
  try {
    for (let i = 1; i <= s.steps; i++) {
      const log = i % 25 === 0 || i === s.steps;
      const r = await trainer.trainStep(log);
      if (r) onLog?.(r.step, { ...r.metrics, learning_rate: r.lr });
    }
    return await trainer.finish();
  } catch (e) {
    trainer.dispose();
    throw e;
  }
}
