/** What a sweep does with a run by its algorithm's kind: a trained policy or a reranking. */
import type { GPT } from '../../model/gpt';
import type { AlgorithmTableLike, AlgorithmTrainer, SweepContext } from '../algorithms/algorithm';
import type { AlgorithmsOfKind, TrainedAlgorithm } from '../algorithms/registry';
import type { ResolvedRun } from './sweepConfig';

export type TrainedRun = ResolvedRun & { algorithm: TrainedAlgorithm };
export type RerankedRun = ResolvedRun & { algorithm: AlgorithmsOfKind<'reranked'> };

export function isTrained(run: ResolvedRun, algorithms: AlgorithmTableLike): run is TrainedRun {
  return algorithms[run.algorithm]?.kind === 'trained';
}

export function isReranked(run: ResolvedRun, algorithms: AlgorithmTableLike): run is RerankedRun {
  return algorithms[run.algorithm]?.kind === 'reranked';
}

/** A policy in training: a copy of the SFT model that `trainStep` updates in place. */
interface PolicyTraining extends AlgorithmTrainer {
  readonly policy: GPT;
}

/** The run's trainer (its module's factory) on a fresh copy of the SFT model. */
export async function startTraining(
  run: TrainedRun,
  ctx: SweepContext,
  algorithms: AlgorithmTableLike,
): Promise<PolicyTraining> {
  // Each entry's factory takes runs of its own schema; `algorithm` picked the entry.
  const make = algorithms[run.algorithm]?.trainer as
    | ((r: TrainedRun, c: SweepContext, p: GPT) => Promise<AlgorithmTrainer>)
    | null;
  if (!make) throw new Error(`${run.algorithm} has no trainer`);
  const policy = ctx.sft.clone(true);
  try {
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
